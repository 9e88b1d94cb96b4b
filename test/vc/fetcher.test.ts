import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import {
  createGuardedFetcher,
  FetchFailedError,
  FetchRefusedError,
  type GuardedFetcherOptions,
  isPublicAddress,
} from '../../src/vc/fetcher.js';
import { type Handler, json, startHttpsServer } from '../support/https-server.js';

// The guarded fetcher of DESIGN §3 against a real local HTTPS server: what it refuses before connecting,
// what it refuses while reading, its timeouts, redirects and cache.

const server = await startHttpsServer();
t.teardown(() => server.close());

const DOC = '/.well-known/did.json';
const local = (path: string) => `https://localhost:${server.port}${path}`;

/** A fetcher that may reach the local server only: 127.0.0.1 is exempt, every other private address is not. */
function fetcher(options: Partial<GuardedFetcherOptions> = {}) {
  return createGuardedFetcher({
    enabled: true,
    timeoutMs: 2_000,
    maxBytes: 4_096,
    allowPrivateAddresses: false,
    ca: server.ca,
    trustedAddresses: ['127.0.0.1'],
    resolveHost: async (hostname) => {
      if (hostname === 'localhost' || hostname === 'issuer.test') return [{ address: '127.0.0.1', family: 4 }];
      if (hostname === 'intranet.test') return [{ address: '10.1.2.3', family: 4 }];
      if (hostname === 'mixed.test') return [{ address: '93.184.215.14', family: 4 }, { address: '192.168.1.20', family: 4 }];
      if (hostname === 'metadata.test') return [{ address: 'fd00:ec2::254', family: 6 }];
      throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    },
    ...options,
  });
}

async function refused(t: Test, promise: Promise<unknown>, reason: RegExp, what: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.ok(error instanceof FetchRefusedError, `${what}: refused (${String(error)})`);
  t.match((error as FetchRefusedError | undefined)?.reason, reason, what);
  return error as FetchRefusedError;
}

async function failed(t: Test, promise: Promise<unknown>, reason: RegExp, what: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.ok(error instanceof FetchFailedError, `${what}: failed (${String(error)})`);
  t.match((error as FetchFailedError | undefined)?.reason, reason, what);
  return error as FetchFailedError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('address classification', async (t) => {
  for (const address of ['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '64:ff9b::808:808']) {
    t.equal(isPublicAddress(address), true, `${address} is public`);
  }
  for (const address of [
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1',
    '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:c0a8:0101::1',
    'fe80::1%eth0', 'localhost', '', 'not an address',
  ]) {
    t.equal(isPublicAddress(address), false, `${address || '(empty)'} is not public`);
  }
  t.equal(isPublicAddress('172.32.0.1'), true, 'just outside 172.16.0.0/12');
  t.equal(isPublicAddress('100.128.0.1'), true, 'just outside 100.64.0.0/10');
});

t.test('REMOTE_RESOLUTION=false: every fetch is refused, nothing is sent', async (t) => {
  const before = server.requests.length;
  const disabled = fetcher({ enabled: false });
  const error = await refused(t, disabled.fetchJson(local(DOC)), /^remote resolution is disabled$/, 'disabled');
  t.match(error.message, /remote resolution is disabled/);
  await refused(t, disabled.fetchJson('https://example.org/.well-known/did.json'), /^remote resolution is disabled$/, 'disabled, public host');
  t.equal(server.requests.length, before, 'no request reached the server');
});

t.test('refused before connecting: scheme, credentials, private and loopback addresses', async (t) => {
  server.routes.set('/guarded', json({ ok: true }));
  const strict = fetcher({ trustedAddresses: [] });
  await refused(t, strict.fetchJson(`http://localhost:${server.port}/guarded`), /only https/, 'http');
  await refused(t, strict.fetchJson('ftp://example.org/x'), /only https/, 'ftp');
  await refused(t, strict.fetchJson('not a url'), /not a valid URL/, 'not a URL');
  await refused(t, strict.fetchJson(`https://user:secret@issuer.test:${server.port}/guarded`), /credentials/, 'user info');
  await refused(t, strict.fetchJson(`https://127.0.0.1:${server.port}/guarded`), /127\.0\.0\.1 is not a public/, 'loopback literal');
  await refused(t, strict.fetchJson(`https://[::1]:${server.port}/guarded`), /::1 is not a public/, 'IPv6 loopback literal');
  await refused(t, strict.fetchJson(`https://[::ffff:127.0.0.1]:${server.port}/guarded`), /not a public/, 'IPv4-mapped loopback');
  await refused(t, strict.fetchJson(`https://0x7f.1:${server.port}/guarded`), /127\.0\.0\.1 is not a public/, 'loopback in hex shorthand');
  await refused(t, strict.fetchJson('https://169.254.169.254/latest/meta-data'), /169\.254\.169\.254/, 'cloud metadata');
  await refused(t, strict.fetchJson(`https://localhost:${server.port}/guarded`), /localhost resolves to 127\.0\.0\.1/, 'a name for loopback');
  await refused(t, strict.fetchJson(`https://intranet.test:${server.port}/guarded`), /intranet\.test resolves to 10\.1\.2\.3/, 'a name for a private address');
  await refused(t, strict.fetchJson(`https://mixed.test:${server.port}/guarded`), /192\.168\.1\.20/, 'one private address among public ones');
  await refused(t, strict.fetchJson(`https://metadata.test:${server.port}/guarded`), /fd00:ec2::254/, 'a unique-local IPv6 address');
  t.equal(server.hits('/guarded'), 0, 'nothing reached the server');

  // the system resolver, not the test one: localhost is loopback however it resolves here
  const systemDns = createGuardedFetcher({ enabled: true, timeoutMs: 2_000, maxBytes: 4_096, allowPrivateAddresses: false, ca: server.ca });
  await refused(t, systemDns.fetchJson(`https://localhost:${server.port}/guarded`), /localhost resolves to (127\.|::1)/, 'system DNS, localhost');
  t.equal(server.hits('/guarded'), 0);

  await failed(t, strict.fetchJson('https://nowhere.test/x'), /could not be resolved/, 'unknown host');
});

t.test('connects to the address it vetted', async (t) => {
  server.routes.set('/vetted', json({ hello: 'world' }));
  // issuer.test exists only in the fetcher's resolver: reaching the server proves that answer was used
  const result = await fetcher().fetchJson(`https://issuer.test:${server.port}/vetted`);
  t.same(result.body, { hello: 'world' });
  t.equal(server.hits('/vetted'), 1);
  t.equal(result.etag, undefined);
  t.ok(result.expiresAt.getTime() <= Date.now(), 'no Cache-Control: not fresh');

  const open = createGuardedFetcher({ enabled: true, timeoutMs: 2_000, maxBytes: 4_096, allowPrivateAddresses: true, ca: server.ca });
  t.same((await open.fetchJson(`https://127.0.0.1:${server.port}/vetted`)).body, { hello: 'world' }, 'allowPrivateAddresses lets loopback through');

  const untrusting = createGuardedFetcher({ enabled: true, timeoutMs: 2_000, maxBytes: 4_096, allowPrivateAddresses: true });
  await failed(t, untrusting.fetchJson(`https://127.0.0.1:${server.port}/vetted`), /self-signed|certificate/i, 'an untrusted certificate');
});

t.test('bad answers', async (t) => {
  server.routes.set('/missing-doc', (_request, response) => {
    response.writeHead(404).end('{}');
  });
  server.routes.set('/broken', (_request, response) => {
    response.writeHead(500).end('oops');
  });
  server.routes.set('/html', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
  });
  server.routes.set('/gzip', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end('\x1f\x8b');
  });
  const f = fetcher();
  const notFound = await failed(t, f.fetchJson(local('/missing-doc')), /HTTP 404/, '404');
  t.equal(notFound.status, 404);
  t.equal((await failed(t, f.fetchJson(local('/broken')), /HTTP 500/, '500')).status, 500);
  await failed(t, f.fetchJson(local('/html')), /not JSON/, 'HTML');
  await refused(t, f.fetchJson(local('/gzip')), /gzip-encoded/, 'compressed');
  await failed(t, f.fetchJson(local('/nothing-here')), /HTTP 404/, 'no route');
});

t.test('the Accept header asks for a DID document', async (t) => {
  let accept: string | undefined;
  server.routes.set('/accept', (request, response) => {
    accept = request.headers.accept;
    json({})(request, response);
  });
  await fetcher().fetchJson(local('/accept'));
  t.equal(accept, 'application/did+json, application/json');
});

t.test('size limit', async (t) => {
  const big = { padding: 'x'.repeat(5_000) };
  server.routes.set('/declared', json(big));
  server.routes.set('/streamed', (_request, response) => {
    // chunked, no Content-Length: the limit must hold while reading
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"padding":"');
    const timer = setInterval(() => {
      if (response.destroyed) return clearInterval(timer);
      response.write('x'.repeat(1_000));
    }, 5);
  });
  server.routes.set('/fits', json({ padding: 'x'.repeat(3_000) }));
  const f = fetcher();
  await refused(t, f.fetchJson(local('/declared')), /larger than 4096 bytes/, 'declared too large');
  await refused(t, f.fetchJson(local('/streamed')), /larger than 4096 bytes/, 'streamed past the limit');
  t.equal(((await f.fetchJson(local('/fits'))).body as { padding: string }).padding.length, 3_000, 'under the limit');
});

t.test('timeouts', async (t) => {
  server.routes.set('/silent', () => {
    // never answers
  });
  server.routes.set('/trickle', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"a":"');
    const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write('x')), 50);
  });
  const f = fetcher({ timeoutMs: 300 });
  let started = Date.now();
  await failed(t, f.fetchJson(local('/silent')), /no complete answer within 300 ms/, 'no answer');
  t.ok(Date.now() - started < 1_500, `gave up in time (${Date.now() - started} ms)`);
  started = Date.now();
  await failed(t, f.fetchJson(local('/trickle')), /no complete answer within 300 ms/, 'a body that never ends');
  t.ok(Date.now() - started < 1_500, `gave up in time (${Date.now() - started} ms)`);

  // a peer that accepts TCP but never completes TLS: the connect timeout, shorter than the total
  const sockets = new Set<Socket>();
  const mute = createTcpServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    mute.close();
  });
  const port = (mute.address() as AddressInfo).port;
  started = Date.now();
  await failed(t, fetcher({ timeoutMs: 2_000, connectTimeoutMs: 200 }).fetchJson(`https://localhost:${port}/x`), /no connection within 200 ms/, 'TLS handshake never completes');
  t.ok(Date.now() - started < 1_500, `gave up in time (${Date.now() - started} ms)`);

  // nothing listening
  mute.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await failed(t, fetcher().fetchJson(`https://localhost:${port}/x`), /refused/, 'connection refused');
});

t.test('redirects: at most two, each hop vetted again', async (t) => {
  const redirect = (location: string): Handler => (_request, response) => {
    response.writeHead(302, { location }).end();
  };
  server.routes.set('/target', json({ arrived: true }));
  server.routes.set('/one', redirect('/target'));
  server.routes.set('/two', redirect(`https://issuer.test:${server.port}/one`));
  server.routes.set('/three', redirect('/two'));
  server.routes.set('/to-http', redirect(`http://localhost:${server.port}/target`));
  server.routes.set('/to-metadata', redirect('https://169.254.169.254/latest/meta-data/'));
  server.routes.set('/to-intranet', redirect(`https://intranet.test:${server.port}/target`));
  server.routes.set('/to-ipv6-loopback', redirect(`https://[::1]:${server.port}/target`));
  server.routes.set('/no-location', (_request, response) => {
    response.writeHead(301).end();
  });
  const f = fetcher();
  t.same((await f.fetchJson(local('/one'))).body, { arrived: true }, 'one relative redirect');
  t.same((await f.fetchJson(local('/two'))).body, { arrived: true }, 'two redirects');
  await refused(t, f.fetchJson(local('/three')), /more than 2 redirects/, 'three redirects');
  await refused(t, f.fetchJson(local('/to-http')), /only https/, 'a redirect to http');
  await refused(t, f.fetchJson(local('/to-metadata')), /169\.254\.169\.254 is not a public/, 'a redirect to the metadata address');
  await refused(t, f.fetchJson(local('/to-intranet')), /intranet\.test resolves to 10\.1\.2\.3/, 'a redirect to a private host name');
  await refused(t, f.fetchJson(local('/to-ipv6-loopback')), /::1 is not a public/, 'a redirect to IPv6 loopback');
  await failed(t, f.fetchJson(local('/no-location')), /without a Location/, 'a redirect to nowhere');
  t.same(await fetcher({ maxRedirects: 0 }).fetchJson(local('/target')).then((r) => r.body), { arrived: true });
  await refused(t, fetcher({ maxRedirects: 0 }).fetchJson(local('/one')), /more than 0 redirects/, 'redirects off');
});

t.test('cache: max-age (capped), no-store, no-cache, ETag revalidation, bounded size', async (t) => {
  const counted = (path: string, headers: Record<string, string>, body: unknown = { path }) => {
    server.routes.set(path, json(body, headers));
    return () => server.hits(path);
  };

  await t.test('max-age is honoured', async (t) => {
    const hits = counted('/max-age', { 'cache-control': 'public, max-age=60' });
    const f = fetcher();
    const first = await f.fetchJson(local('/max-age'));
    const second = await f.fetchJson(local('/max-age'));
    t.equal(hits(), 1, 'the second fetch came from the cache');
    t.same(second.body, first.body);
    const freshFor = first.expiresAt.getTime() - Date.now();
    t.ok(freshFor > 55_000 && freshFor <= 60_000, `fresh for about a minute (${freshFor} ms)`);
    (second.body as Record<string, unknown>).path = 'changed by a caller';
    t.same((await f.fetchJson(local('/max-age'))).body, { path: '/max-age' }, 'callers get copies');
  });

  await t.test('Age counts against max-age', async (t) => {
    counted('/aged', { 'cache-control': 'max-age=60', age: '50' });
    const freshFor = (await fetcher().fetchJson(local('/aged'))).expiresAt.getTime() - Date.now();
    t.ok(freshFor > 5_000 && freshFor <= 10_000, `about 10 s left (${freshFor} ms)`);
  });

  await t.test('max-age is capped', async (t) => {
    const hits = counted('/capped', { 'cache-control': 'max-age=31536000' });
    const f = fetcher({ cacheTtlMaxMs: 100 });
    const first = await f.fetchJson(local('/capped'));
    t.ok(first.expiresAt.getTime() - Date.now() <= 100, 'no longer than the cap');
    await f.fetchJson(local('/capped'));
    t.equal(hits(), 1, 'fresh within the cap');
    await sleep(150);
    await f.fetchJson(local('/capped'));
    t.equal(hits(), 2, 'fetched again after the cap');
  });

  await t.test('no-store is never cached, even with an ETag', async (t) => {
    const hits = counted('/no-store', { 'cache-control': 'no-store, max-age=60', etag: '"v1"' });
    let ifNoneMatch: string | undefined;
    const handler = server.routes.get('/no-store');
    server.routes.set('/no-store', (request, response) => {
      ifNoneMatch = request.headers['if-none-match'];
      handler?.(request, response);
    });
    const f = fetcher();
    await f.fetchJson(local('/no-store'));
    const again = await f.fetchJson(local('/no-store'));
    t.equal(hits(), 2);
    t.equal(ifNoneMatch, undefined, 'nothing kept to revalidate');
    t.ok(again.expiresAt.getTime() <= Date.now());
  });

  await t.test('no Cache-Control: fetched every time', async (t) => {
    const hits = counted('/plain', {});
    const f = fetcher();
    await f.fetchJson(local('/plain'));
    await f.fetchJson(local('/plain'));
    t.equal(hits(), 2);
  });

  await t.test('a stale entry with an ETag is revalidated', async (t) => {
    let version = 'v1';
    const seen: (string | undefined)[] = [];
    server.routes.set('/etag', (request, response) => {
      seen.push(request.headers['if-none-match']);
      if (request.headers['if-none-match'] === `"${version}"`) {
        response.writeHead(304, { etag: `"${version}"`, 'cache-control': 'no-cache' }).end();
        return;
      }
      json({ version }, { etag: `"${version}"`, 'cache-control': 'no-cache' })(request, response);
    });
    const f = fetcher();
    const first = await f.fetchJson(local('/etag'));
    t.same(first.body, { version: 'v1' });
    t.equal(first.etag, '"v1"');
    const second = await f.fetchJson(local('/etag'));
    t.same(second.body, { version: 'v1' }, '304: the kept body');
    version = 'v2';
    const third = await f.fetchJson(local('/etag'));
    t.same(third.body, { version: 'v2' }, 'changed: the new body');
    t.same(seen, [undefined, '"v1"', '"v1"']);
  });

  await t.test('an unsolicited 304 is not an answer', async (t) => {
    server.routes.set('/unsolicited-304', (_request, response) => {
      response.writeHead(304).end();
    });
    await failed(t, fetcher().fetchJson(local('/unsolicited-304')), /HTTP 304/, 'unsolicited 304');
  });

  await t.test('bounded: the least recently used entry goes first', async (t) => {
    const a = counted('/lru-a', { 'cache-control': 'max-age=60' });
    const b = counted('/lru-b', { 'cache-control': 'max-age=60' });
    const c = counted('/lru-c', { 'cache-control': 'max-age=60' });
    const f = fetcher({ cacheMaxEntries: 2 });
    await f.fetchJson(local('/lru-a'));
    await f.fetchJson(local('/lru-b'));
    await f.fetchJson(local('/lru-a')); // a is now the most recent
    await f.fetchJson(local('/lru-c')); // evicts b
    await f.fetchJson(local('/lru-a'));
    await f.fetchJson(local('/lru-b'));
    t.same([a(), b(), c()], [1, 2, 1]);

    // and by bytes: two answers of ~1 KB do not fit in 1.5 KB
    const big = counted('/bytes-a', { 'cache-control': 'max-age=60' }, { padding: 'a'.repeat(1_000) });
    const other = counted('/bytes-b', { 'cache-control': 'max-age=60' }, { padding: 'b'.repeat(1_000) });
    const small = fetcher({ cacheMaxBytes: 1_500 });
    await small.fetchJson(local('/bytes-a'));
    await small.fetchJson(local('/bytes-a'));
    t.equal(big(), 1, 'one answer fits');
    await small.fetchJson(local('/bytes-b'));
    await small.fetchJson(local('/bytes-a'));
    t.same([big(), other()], [2, 1], 'the second pushed the first out');
  });

  await t.test('concurrent fetches of one URL share one request', async (t) => {
    const hits = counted('/shared', { 'cache-control': 'no-store' });
    const f = fetcher();
    const results = await Promise.all([1, 2, 3, 4].map(() => f.fetchJson(local('/shared'))));
    t.equal(hits(), 1);
    t.equal(results.length, 4);
    (results[0]?.body as Record<string, unknown>).path = 'mine';
    t.same(results[1]?.body, { path: '/shared' }, 'each caller has its own copy');
  });

  await t.test('failures are not cached', async (t) => {
    let fail = true;
    server.routes.set('/flaky', (request, response) => {
      if (fail) response.writeHead(503).end();
      else json({ ok: true }, { 'cache-control': 'max-age=60' })(request, response);
    });
    const f = fetcher();
    await failed(t, f.fetchJson(local('/flaky')), /HTTP 503/, 'first try');
    fail = false;
    t.same((await f.fetchJson(local('/flaky'))).body, { ok: true });
  });
});
