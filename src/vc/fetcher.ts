import { lookup as dnsLookup } from 'node:dns/promises';
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The one way the service reaches the network (DESIGN §3 "Outbound network"): GETs of small JSON documents
 * (other issuers' did:web documents, later status lists) over HTTPS, with an address guard, timeouts, a
 * size limit, a bounded cache and no more than a couple of redirects. A credential chooses the URL, so
 * everything here assumes the URL is hostile.
 */

/** The fetcher would not (or may not) make the request or accept the answer: a policy decision. */
export class FetchRefusedError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`refused to fetch ${url}: ${reason}`);
    this.name = 'FetchRefusedError';
  }
}

/** The request was made but gave no usable answer: DNS, connection, TLS, timeout, HTTP status, bad JSON. */
export class FetchFailedError extends Error {
  constructor(readonly url: string, readonly reason: string, readonly status?: number) {
    super(`could not fetch ${url}: ${reason}`);
    this.name = 'FetchFailedError';
  }
}

export interface FetchedJson {
  body: unknown;
  etag?: string;
  /** until when this answer is served from the cache; now or earlier when it was not cacheable */
  expiresAt: Date;
}

export interface GuardedFetcher {
  fetchJson(url: string): Promise<FetchedJson>;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface GuardedFetcherOptions {
  /** false: every fetch is refused with "remote resolution is disabled" (REMOTE_RESOLUTION=false) */
  enabled: boolean;
  /** budget for the whole fetch, redirects and body included */
  timeoutMs: number;
  /** budget for DNS, TCP and TLS of each connection; defaults to timeoutMs */
  connectTimeoutMs?: number;
  /** largest response body accepted */
  maxBytes: number;
  /** tests and closed networks only: skip the address guard entirely */
  allowPrivateAddresses: boolean;
  /** upper bound for a cached answer, whatever max-age the server sends; default 10 minutes */
  cacheTtlMaxMs?: number;
  /** default 1,000 URLs */
  cacheMaxEntries?: number;
  /** default 16 MiB of response bodies in all: hostile hosts can send maxBytes-sized answers with a long max-age */
  cacheMaxBytes?: number;
  /** default 2; each hop is vetted like the first */
  maxRedirects?: number;
  // Test seams below: none is read from the environment.
  /** trust anchors replacing the default CAs (a test server's self-signed certificate) */
  ca?: string | Buffer;
  /** DNS replacement; default node:dns lookup of every address */
  resolveHost?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** exact addresses exempt from the guard while it stays on for every other one (a local test server) */
  trustedAddresses?: readonly string[];
  /** permit http: URLs (tests of the refusal logic with a plain server) */
  allowHttp?: boolean;
}

const ACCEPT = 'application/did+json, application/json';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

// Special-purpose ranges (IANA registries): nothing a public did:web host or status list lives on.
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  // No rule for IPv4-mapped ::ffff:0:0/96: BlockList would then match every IPv4 address. Mapped addresses
  // are judged by the IPv4 they carry, like NAT64 and 6to4 below.
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments, Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address stands for. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const quad = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) return quad(groups[6] as number, groups[7] as number);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    return quad(groups[6] as number, groups[7] as number);
  }
  if (groups[0] === 0x2002) return quad(groups[1] as number, groups[2] as number);
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const bytes = (dotted[2] as string).split('.').map(Number);
    text = `${dotted[1]}${(((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)).toString(16)}:${(((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (value: string) => (value ? value.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}

/** True for a unicast address on the public internet; false for anything private, local or special. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false; // including zone-scoped (fe80::1%eth0) forms
  if (blocked.check(address, 'ipv6')) return false;
  const ipv4 = embeddedIpv4(address);
  return ipv4 === undefined || !blocked.check(ipv4, 'ipv4');
}

/** Thrown inside the lookup hook; the request's error handler turns it into a FetchRefusedError for the URL. */
class AddressRefused extends Error {}

interface CacheEntry {
  body: unknown;
  etag?: string;
  expiresAt: number;
  /** size of the answer as received */
  bytes: number;
}

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body?: Buffer;
}

/**
 * What Cache-Control lets this cache do with an answer: `no-store` forbids keeping it at all, `no-cache`
 * allows keeping it for revalidation only, `max-age` (less any `Age`, capped) makes it fresh for a while.
 * No header: kept for revalidation only, never served without asking.
 */
function cachePolicy(headers: IncomingHttpHeaders, capMs: number): { store: boolean; freshMs: number } {
  const directives = String(headers['cache-control'] ?? '').toLowerCase().split(',').map((directive) => directive.trim());
  if (directives.includes('no-store')) return { store: false, freshMs: 0 };
  if (directives.includes('no-cache')) return { store: true, freshMs: 0 };
  const maxAge = directives.map((directive) => /^max-age=(\d+)$/.exec(directive)?.[1]).find((value) => value !== undefined);
  const age = Number.parseInt(String(headers.age ?? '0'), 10);
  const ms = maxAge === undefined ? 0 : (Number(maxAge) - (Number.isFinite(age) && age > 0 ? age : 0)) * 1000;
  return { store: true, freshMs: Math.min(Math.max(ms, 0), capMs) };
}

export function createGuardedFetcher(options: GuardedFetcherOptions): GuardedFetcher {
  const {
    enabled,
    timeoutMs,
    connectTimeoutMs = timeoutMs,
    maxBytes,
    allowPrivateAddresses,
    cacheTtlMaxMs = 10 * 60_000,
    cacheMaxEntries = 1_000,
    cacheMaxBytes = 16 * 1024 * 1024,
    maxRedirects = 2,
    ca,
    resolveHost = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true }),
    trustedAddresses = [],
    allowHttp = false,
  } = options;
  const cache = new Map<string, CacheEntry>();
  let cachedBytes = 0;
  const inFlight = new Map<string, Promise<CacheEntry>>();

  const addressAllowed = (address: string) => allowPrivateAddresses || trustedAddresses.includes(address) || isPublicAddress(address);

  // Runs at connect time for host names, so the address vetted is the address connected to: a second DNS
  // answer (rebinding) is never used. IP literals skip lookup and are vetted in `target` instead.
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveHost(hostname)
      .then((found) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? found.filter((entry) => entry.family === lookupOptions.family) : found;
        if (wanted.length === 0) throw Object.assign(new Error(`the host name ${hostname} has no address`), { code: 'ENOTFOUND' });
        const refused = wanted.find((entry) => !addressAllowed(entry.address));
        if (refused) throw new AddressRefused(`${hostname} resolves to ${refused.address}, which is not a public internet address`);
        if (lookupOptions.all) callback(null, wanted);
        else callback(null, (wanted[0] as ResolvedAddress).address, (wanted[0] as ResolvedAddress).family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };

  /** Parses and vets a URL before any connection is made to it. */
  function target(url: string | URL, base?: URL): URL {
    let parsed: URL;
    try {
      parsed = new URL(url, base);
    } catch {
      throw new FetchRefusedError(String(url), 'not a valid URL');
    }
    if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) {
      throw new FetchRefusedError(parsed.href, 'only https: URLs are fetched');
    }
    if (parsed.username || parsed.password) throw new FetchRefusedError(parsed.href, 'URLs with credentials are not fetched');
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) && !addressAllowed(host)) {
      throw new FetchRefusedError(parsed.href, `${host} is not a public internet address`);
    }
    return parsed;
  }

  function describe(url: URL, error: NodeJS.ErrnoException): Error {
    if (error instanceof FetchRefusedError || error instanceof FetchFailedError) return error;
    if (error instanceof AddressRefused) return new FetchRefusedError(url.href, error.message);
    switch (error.code) {
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new FetchFailedError(url.href, `the host name ${url.hostname} could not be resolved`);
      case 'ECONNREFUSED':
        return new FetchFailedError(url.href, 'the connection was refused');
      case 'ECONNRESET':
        return new FetchFailedError(url.href, 'the connection was reset');
      default:
        // TLS failures carry codes such as CERT_HAS_EXPIRED or ERR_TLS_CERT_ALTNAME_INVALID.
        return new FetchFailedError(url.href, error.code ? `${error.code}: ${error.message}` : error.message || 'network error');
    }
  }

  /** One GET without following redirects; reads the body of a 200 only, within the limits. */
  function exchange(url: URL, headers: Record<string, string>, deadline: number): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (error: Error | undefined, result?: Exchange) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        if (error) {
          request.destroy();
          reject(error);
        } else resolve(result as Exchange);
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        url,
        {
          method: 'GET',
          headers: { accept: ACCEPT, 'accept-encoding': 'identity', 'user-agent': 'iioe-credentials-verifier', ...headers },
          agent: false, // one connection per fetch: answers are cached, and no pooled socket outlives its vetting
          lookup: guardedLookup,
          ...(ca ? { ca } : {}),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status !== 200) {
            response.resume();
            finish(undefined, { status, headers: response.headers });
            request.destroy();
            return;
          }
          const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
          if (encoding !== 'identity') {
            finish(new FetchRefusedError(url.href, `the answer is ${encoding}-encoded; only uncompressed JSON is accepted`));
            return;
          }
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            finish(new FetchRefusedError(url.href, `the answer is larger than ${maxBytes} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxBytes) finish(new FetchRefusedError(url.href, `the answer is larger than ${maxBytes} bytes`));
            else chunks.push(chunk);
          });
          response.on('end', () => finish(undefined, { status, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', (error) => finish(describe(url, error)));
        },
      );
      request.on('error', (error) => finish(describe(url, error)));
      request.on('socket', (socket) => {
        const connectTimer = setTimeout(
          () => finish(new FetchFailedError(url.href, `no connection within ${connectTimeoutMs} ms`)),
          Math.min(connectTimeoutMs, Math.max(0, deadline - Date.now())),
        );
        timers.push(connectTimer);
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      timers.push(setTimeout(() => finish(new FetchFailedError(url.href, `no complete answer within ${timeoutMs} ms`)), Math.max(0, deadline - Date.now())));
      request.end();
    });
  }

  function forget(url: string): void {
    const entry = cache.get(url);
    if (entry) cachedBytes -= entry.bytes;
    cache.delete(url);
  }

  /** Keeps an entry as the most recently used, evicting the least recently used beyond the bounds. */
  function remember(url: string, entry: CacheEntry): void {
    forget(url);
    if (entry.bytes > cacheMaxBytes) return;
    while (cache.size > 0 && (cache.size >= cacheMaxEntries || cachedBytes + entry.bytes > cacheMaxBytes)) {
      forget(cache.keys().next().value as string);
    }
    cache.set(url, entry);
    cachedBytes += entry.bytes;
  }

  const view = (entry: CacheEntry): FetchedJson => ({
    body: structuredClone(entry.body), // callers may not change what the next caller gets
    ...(entry.etag ? { etag: entry.etag } : {}),
    expiresAt: new Date(entry.expiresAt),
  });

  async function load(url: string, stale: CacheEntry | undefined): Promise<CacheEntry> {
    const deadline = Date.now() + timeoutMs;
    let current = target(url);
    for (let hop = 0; ; hop++) {
      // Revalidate a stale entry only on the URL it was stored under; a redirect target is fetched afresh.
      const conditional: Record<string, string> = hop === 0 && stale?.etag ? { 'if-none-match': stale.etag } : {};
      const answer = await exchange(current, conditional, deadline);
      if (REDIRECTS.has(answer.status)) {
        const location = answer.headers.location;
        if (!location) throw new FetchFailedError(current.href, `HTTP ${answer.status} without a Location`, answer.status);
        if (hop >= maxRedirects) throw new FetchRefusedError(url, `more than ${maxRedirects} redirects`);
        current = target(location, current);
        continue;
      }
      const policy = cachePolicy(answer.headers, cacheTtlMaxMs);
      if (answer.status === 304 && stale?.etag && hop === 0) {
        const entry = { ...stale, expiresAt: Date.now() + policy.freshMs };
        if (policy.store) remember(url, entry);
        else forget(url);
        return entry;
      }
      if (answer.status !== 200) {
        const reason = answer.status === 404 || answer.status === 410 ? `nothing there (HTTP ${answer.status})` : `the server answered HTTP ${answer.status}`;
        throw new FetchFailedError(current.href, reason, answer.status);
      }
      let body: unknown;
      try {
        body = JSON.parse((answer.body as Buffer).toString('utf8'));
      } catch {
        throw new FetchFailedError(current.href, 'the answer is not JSON');
      }
      const etag = typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined;
      const entry: CacheEntry = { body, ...(etag ? { etag } : {}), expiresAt: Date.now() + policy.freshMs, bytes: (answer.body as Buffer).length };
      // An ETag is worth keeping even without freshness: the next fetch can be a cheap 304.
      if (policy.store && (policy.freshMs > 0 || etag)) remember(url, entry);
      else forget(url);
      return entry;
    }
  }

  return {
    async fetchJson(url) {
      if (!enabled) throw new FetchRefusedError(url, 'remote resolution is disabled');
      const cached = cache.get(url);
      if (cached && cached.expiresAt > Date.now()) {
        remember(url, cached); // most recently used last, so eviction takes the oldest
        return view(cached);
      }
      // Concurrent verifications of one issuer's credentials share one request.
      let pending = inFlight.get(url);
      if (!pending) {
        pending = load(url, cached).finally(() => inFlight.delete(url));
        inFlight.set(url, pending);
      }
      return view(await pending);
    },
  };
}
