// Issue 10 §2 "Slow clients": a request whose headers or body trickle in, or whose announced body never comes,
// is answered 408 problem+json once HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS pass, and the connection
// is closed. Real sockets against the app listening on 127.0.0.1; every exchange is bounded.
import { connect, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { build } from '../helper.js';

const HEADERS_MS = 1000;
const REQUEST_MS = 1500;
/** Node checks the timeouts once a second: an answer may come up to that much after the limit. */
const CHECK_SLACK_MS = 1000 + 500;
/** an exchange that has not ended by then fails the test instead of hanging it */
const EXCHANGE_LIMIT_MS = 10_000;

const testApp = await build(t, { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS) });
await testApp.app.listen({ port: 0, host: '127.0.0.1' });
const address = testApp.app.server.address();
if (typeof address !== 'object' || address === null) throw new Error('the app does not listen');
const port = address.port;

interface Exchange {
  /** everything the server sent */
  response: string;
  /** from connecting until the server closed the connection */
  closedAfterMs: number;
}

/** Writes `pieces` one every `everyMs` while the connection is open. */
type Trickle = (pieces: string[], everyMs: number) => void;

/** Connects, lets `talk` write (slowly), and collects the answer until the server closes the connection. */
function exchange(talk: (socket: Socket, trickle: Trickle) => void): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timers: NodeJS.Timeout[] = [];
    const limit = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${EXCHANGE_LIMIT_MS} ms`));
    }, EXCHANGE_LIMIT_MS);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is the server closing, as expected
    socket.on('close', () => {
      clearTimeout(limit);
      timers.forEach(clearTimeout);
      resolve({ response: Buffer.concat(chunks).toString('utf8'), closedAfterMs: performance.now() - started });
    });
    const trickle: Trickle = (pieces, everyMs) =>
      pieces.forEach((piece, i) => timers.push(setTimeout(() => socket.writable && socket.write(piece), i * everyMs)));
    socket.on('connect', () => talk(socket, trickle));
  });
}

function problemOf(t: Test, response: string, status: number) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  t.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), `status ${status}`);
  t.match(head, /content-type: application\/problem\+json/i, 'problem+json');
  t.match(head, /connection: close/i, 'the connection is announced closed');
  return JSON.parse(body);
}

const verifyHead = (contentLength: number) =>
  `POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

t.test('a body that never comes after its headers: 408, then the connection is closed', async (t) => {
  const { response, closedAfterMs } = await exchange((socket) => socket.write(verifyHead(200)));
  const problem = problemOf(t, response, 408);
  t.equal(problem.type, 'http://localhost:3000/problems/request-timeout');
  t.match(problem.detail, /did not arrive in full within 1\.5 s/);
  t.ok(closedAfterMs >= REQUEST_MS - 50, `not before the request timeout (${Math.round(closedAfterMs)} ms)`);
  t.ok(closedAfterMs < REQUEST_MS + CHECK_SLACK_MS, `closed ${Math.round(closedAfterMs)} ms after connecting`);
});

t.test('a body trickled a byte at a time, never reaching its Content-Length in time: 408 and closed', async (t) => {
  const body = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000' });
  const { response, closedAfterMs } = await exchange((socket, trickle) => {
    socket.write(verifyHead(body.length));
    trickle([...body], 200); // 44 bytes at 5 per second: 9 s, far past the limit
  });
  problemOf(t, response, 408);
  t.ok(closedAfterMs < REQUEST_MS + CHECK_SLACK_MS, `closed ${Math.round(closedAfterMs)} ms after connecting, though bytes kept coming`);
});

t.test('headers trickled and never finished: 408 and closed', async (t) => {
  const { response, closedAfterMs } = await exchange((socket, trickle) => {
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    trickle([...'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'], 100);
  });
  problemOf(t, response, 408);
  t.ok(closedAfterMs < HEADERS_MS + CHECK_SLACK_MS, `closed ${Math.round(closedAfterMs)} ms after connecting`);
});

t.test('a request that arrives slowly but within the limits is served', async (t) => {
  const body = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000' });
  const half = Math.floor(body.length / 2);
  const { response } = await exchange((socket, trickle) => {
    socket.write(verifyHead(body.length).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    trickle([body.slice(0, half), body.slice(half)], 400);
  });
  t.notMatch(response, /^HTTP\/1\.1 408/, 'not timed out');
  t.match(response, /^HTTP\/1\.1 (200|404) /, 'answered by the route');
});

t.test('garbage instead of HTTP: 400 problem+json and closed', async (t) => {
  const { response } = await exchange((socket) => socket.write('HELLO THERE\r\n\r\n'));
  problemOf(t, response, 400);
});

t.test('the server still serves normal requests afterwards', async (t) => {
  const { response } = await exchange((socket) => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
  t.match(response, /^HTTP\/1\.1 200 /);
});
