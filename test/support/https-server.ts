import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';

// A local HTTPS server for outbound-fetch tests: a self-signed certificate made here, in memory, with
// node:crypto and a few lines of DER (no openssl binary, no extra package), trusted only by the fetchers
// the tests build with its `ca`.

const der = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : (() => {
          const bytes: number[] = [];
          for (let n = body.length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), length, body]);
};
const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
const oid = (dotted: string) => {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) base128.unshift((n & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
};
const utcTime = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const name = (commonName: string) => sequence(der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName)))));
const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string) => (text ? text.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return Buffer.from(all.flatMap((group) => [group >> 8, group & 0xff]));
}

/** A self-signed ECDSA P-256 certificate (also its own CA) for the given host names and IP addresses. */
export function selfSignedCertificate(subjectAltNames: string[]): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  const san = sequence(...subjectAltNames.map((entry) => (isIP(entry) ? der(0x87, ipBytes(entry)) : der(0x82, Buffer.from(entry)))));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, Buffer.concat([Buffer.from([0x01]), randomBytes(15)])), // positive serial
    ecdsaWithSha256,
    name('iioe test server'),
    sequence(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 24 * 3600_000))),
    name('iioe test server'),
    publicKey.export({ type: 'spki', format: 'der' }),
    der(
      0xa3,
      sequence(
        extension('2.5.29.19', true, sequence(der(0x01, Buffer.from([0xff])))), // basicConstraints: CA
        extension('2.5.29.15', true, der(0x03, Buffer.from([0x02, 0x84]))), // keyUsage: digitalSignature, keyCertSign
        extension('2.5.29.17', false, san), // subjectAltName
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface LocalHttpsServer {
  port: number;
  /** `https://localhost:<port>` */
  origin: string;
  /** the certificate to trust (pass as the fetcher's `ca`) */
  ca: string;
  /** answers by path; anything else is a 404 */
  routes: Map<string, Handler>;
  /** every request path, in order */
  requests: string[];
  /** how many requests reached a path */
  hits(path: string): number;
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 and a random port; close it in the test's teardown. */
export async function startHttpsServer(hosts: string[] = ['localhost', 'issuer.test', '127.0.0.1']): Promise<LocalHttpsServer> {
  const { cert, key } = selfSignedCertificate(hosts);
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert, key }, (request, response) => {
    const path = (request.url ?? '/').split('?')[0] as string;
    requests.push(path);
    const handler = routes.get(path);
    if (handler) handler(request, response);
    else {
      response.statusCode = 404;
      response.end('not found');
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    port,
    origin: `https://localhost:${port}`,
    ca: cert,
    routes,
    requests,
    hits: (path) => requests.filter((entry) => entry === path).length,
    close: async () => {
      if (closed) return;
      closed = true;
      // Slow-answer tests leave sockets open on purpose: cut them rather than wait.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A handler answering JSON with the given headers. */
export function json(body: unknown, headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}
