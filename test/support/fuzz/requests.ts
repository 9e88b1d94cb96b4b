import fc from 'fast-check';
import type { FuzzRoute, JsonSchema } from './routes.js';
import { DeepJson, deepJson, hostileSegments, hostileString, percentEncode, POLLUTING_OBJECTS, rawBodies, wrongValue } from './values.js';

/** What the fuzzer knows about the running service: real ids to aim at, tokens, and a valid body per route. */
export interface FuzzWorld {
  /** real path values by parameter name; `read` for safe methods, `write` for the rest (victims, never the fuzzer's own centre or clients) */
  pathValues: Record<string, { read: string[]; write: string[] }>;
  /** every real uuid (courses, credentials, authorisations…), for uuid-shaped body fields */
  uuids: string[];
  /** bearer tokens: a centre client holding every centre scope, a read-only one, a platform admin */
  tokens: { centre: string; centreReadOnly: string; admin: string };
  /** valid bodies to mutate, by "METHOD /url" (for routes whose body schema cannot say what a valid one is) */
  seeds: Record<string, unknown[]>;
}

export interface FuzzCase {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

// ------------------------------------------------------------------------------------------------
// Valid values from a JSON schema (so that one mutated leaf can travel past validation)
// ------------------------------------------------------------------------------------------------

const FUTURE_DATES = fc.date({ min: new Date('2030-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
const PLAIN_TEXT = fc.constantFrom('Ada Lovelace', 'Fatima Zahra El-Sayed', 'نور الهدى', '李华', 'Évaluation formative', 'Portfolio');

function stringFor(schema: JsonSchema, world: FuzzWorld): fc.Arbitrary<string> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as string[]));
  if (typeof schema.const === 'string') return fc.constant(schema.const);
  switch (schema.format) {
    case 'uuid':
      return world.uuids.length > 0 ? fc.constantFrom(...world.uuids) : fc.uuid();
    case 'date-time':
      return FUTURE_DATES;
    case 'email':
      return fc.constantFrom('learner@example.org', 'a.b@example.co.uk');
    case 'uri':
      return fc.constantFrom('https://example.org/evidence/1', 'https://portfolio.example.org/a?b=c');
  }
  if (typeof schema.pattern === 'string') {
    try {
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : 200;
      return fc.stringMatching(new RegExp(schema.pattern)).filter((value) => value.length <= max && value.length >= ((schema.minLength as number) ?? 0));
    } catch {
      // a pattern JavaScript cannot compile is the schema's business, not the fuzzer's
    }
  }
  return PLAIN_TEXT;
}

/** An arbitrary of values that satisfy the schema's shape (refinements aside). */
export function validValue(schema: JsonSchema | undefined, world: FuzzWorld, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant('x');
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((branch) => validValue(branch, world, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return validValue(schema.allOf[0] as JsonSchema, world, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, world);
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const max = typeof schema.maximum === 'number' ? schema.maximum : Math.max(min, 100);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, min + 1000)) });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const maxLength = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 3);
      const minLength = Math.min(typeof schema.minItems === 'number' ? schema.minItems : 0, maxLength);
      return fc.array(validValue(schema.items as JsonSchema, world, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const names = Object.keys(properties);
      if (names.length === 0) {
        const values = schema.propertyNames && Array.isArray((schema.propertyNames as JsonSchema).enum) ? ((schema.propertyNames as JsonSchema).enum as string[]) : ['en', 'fr'];
        return fc.dictionary(fc.constantFrom(...values), validValue(schema.additionalProperties as JsonSchema, world, depth + 1), { minKeys: 1, maxKeys: 2 });
      }
      return fc.record(Object.fromEntries(names.map((name) => [name, validValue(properties[name], world, depth + 1)])), {
        requiredKeys: names.filter((name) => required.has(name)),
      });
    }
  }
  return fc.jsonValue({ maxDepth: 2 });
}

// ------------------------------------------------------------------------------------------------
// Mutations of a valid value
// ------------------------------------------------------------------------------------------------

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (out.length > 400) return out;
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], out));
  else if (value && typeof value === 'object' && !(value instanceof DeepJson)) {
    for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out);
  }
  return out;
}

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  Object.defineProperty(copy, head, { value: replaceAt(copy[head], rest, replacement), enumerable: true, writable: true, configurable: true });
  return copy;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'pollute'; with: Record<string, unknown> } | { kind: 'extra'; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: wrongValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTING_OBJECTS).map((polluting) => ({ kind: 'pollute' as const, with: polluting })) },
  { weight: 1, arbitrary: fc.tuple(hostileString, wrongValue).map(([key, value]) => ({ kind: 'extra' as const, key, value })) },
);

function applyMutation(value: unknown, pick: number, change: Mutation): unknown {
  const paths = pathsOf(value);
  const path = paths[pick % paths.length] as Path;
  if (change.kind === 'replace') return replaceAt(value, path, change.value);
  if (change.kind === 'delete') {
    if (path.length === 0) return undefined;
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1] as string | number;
    const parent = parentPath.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], value);
    if (Array.isArray(parent)) return replaceAt(value, parentPath, parent.filter((_, index) => index !== key));
    const { [key]: _dropped, ...rest } = parent as Record<string, unknown>;
    return replaceAt(value, parentPath, rest);
  }
  const target = path.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], value);
  if (!target || typeof target !== 'object' || Array.isArray(target) || target instanceof DeepJson) return value;
  const extra = change.kind === 'pollute' ? change.with : { [change.key]: change.value };
  const merged = { ...(target as Record<string, unknown>) };
  for (const [key, item] of Object.entries(extra)) Object.defineProperty(merged, key, { value: item, enumerable: true, writable: true, configurable: true });
  return replaceAt(value, path, merged);
}

/** Valid values with one or two mutations: most cases fail validation, some reach the service with one bad leaf. */
export const mutated = (base: fc.Arbitrary<unknown>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 2 })).map(([value, changes]) =>
    changes.reduce((current, [pick, change]) => applyMutation(current, pick, change), value),
  );

// ------------------------------------------------------------------------------------------------
// Serialisation: JSON (with deep placeholders), form and multipart encodings
// ------------------------------------------------------------------------------------------------

/** JSON text of a generated value; DeepJson placeholders become the deeply nested text they stand for. */
export function toJsonText(value: unknown): string {
  const deep: DeepJson[] = [];
  const text = JSON.stringify(value, (_key, item) => {
    if (item instanceof DeepJson) {
      deep.push(item);
      return `\u0001deep${deep.length - 1}\u0001`;
    }
    return item;
  });
  if (text === undefined) return '';
  return text.replace(/"\\u0001deep(\d+)\\u0001"/g, (_match, index) => (deep[Number(index)] as DeepJson).text());
}

const fieldText = (value: unknown) => (typeof value === 'string' ? value : toJsonText(value));

function formEncode(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return percentEncode(fieldText(value));
  return Object.entries(value)
    .map(([key, item]) => `${percentEncode(key)}=${percentEncode(fieldText(item))}`)
    .join('&');
}

const BOUNDARY = 'fuzzboundary7MA4YWxkTrZu0gW';

function multipartEncode(value: unknown, asFile: boolean): Buffer {
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['json', value] as [string, unknown]];
  const parts = fields.map(([key, item]) => {
    const disposition = asFile ? `form-data; name="${key}"; filename="credential.json"` : `form-data; name="${key}"`;
    return `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${asFile ? 'Content-Type: application/json\r\n' : ''}\r\n${fieldText(item)}\r\n`;
  });
  return Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`);
}

// ------------------------------------------------------------------------------------------------
// Whole requests
// ------------------------------------------------------------------------------------------------

type Encoding = 'json' | 'form' | 'multipart' | 'multipart-file' | 'raw';
const CONTENT_TYPES: Record<Encoding, fc.Arbitrary<string | undefined>> = {
  json: fc.oneof(
    { weight: 5, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/ld+json', 'application/vc+ld+json', 'APPLICATION/JSON', 'application/json; charset=utf-16') },
  ),
  form: fc.constant('application/x-www-form-urlencoded'),
  multipart: fc.constantFrom(`multipart/form-data; boundary=${BOUNDARY}`, 'multipart/form-data', 'multipart/form-data; boundary=wrong'),
  'multipart-file': fc.constant(`multipart/form-data; boundary=${BOUNDARY}`),
  raw: fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/xml', 'application/octet-stream', 'a/b/c', '', 'application/json;;charset=', '*/*'),
};

function bodyArbitrary(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<{ encoding: Encoding; value: unknown }> {
  const seeds = world.seeds[`${route.method} ${route.url}`] ?? [];
  const valid = seeds.length > 0 ? fc.oneof(fc.constantFrom(...seeds), validValue(route.body, world)) : validValue(route.body, world);
  const value = fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 9, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: deepJson },
  );
  return fc.oneof(
    { weight: 12, arbitrary: value.map((item) => ({ encoding: 'json' as const, value: item })) },
    { weight: 2, arbitrary: value.map((item) => ({ encoding: 'form' as const, value: item })) },
    { weight: 1, arbitrary: value.map((item) => ({ encoding: 'multipart' as const, value: item })) },
    { weight: 1, arbitrary: value.map((item) => ({ encoding: 'multipart-file' as const, value: item })) },
    { weight: 3, arbitrary: rawBodies.map((item) => ({ encoding: 'raw' as const, value: item })) },
  );
}

function encodeBody(encoding: Encoding, value: unknown): string | Buffer | undefined {
  switch (encoding) {
    case 'json':
      return toJsonText(value);
    case 'form':
      return formEncode(value);
    case 'multipart':
      return multipartEncode(value, false);
    case 'multipart-file':
      return multipartEncode(value, true);
    case 'raw':
      return value as string | Buffer;
  }
}

function pathArbitrary(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<string> {
  const safe = route.method === 'GET';
  const segments = route.params.map((name) => {
    const known = world.pathValues[name];
    const real = known ? (safe ? [...known.read, ...known.write] : known.write) : [];
    return real.length > 0
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real).map(encodeURIComponent) }, { weight: 2, arbitrary: hostileSegments })
      : hostileSegments;
  });
  return fc.tuple(...segments).map((values) => {
    let index = 0;
    return route.url.replace(/:[A-Za-z0-9_]+|\*/g, () => values[index++] as string);
  });
}

function queryArbitrary(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<string> {
  const properties = (route.query?.properties ?? {}) as Record<string, JsonSchema>;
  const known = Object.keys(properties);
  const pair = fc.oneof(
    ...(known.length > 0
      ? [
          { weight: 4, arbitrary: fc.constantFrom(...known).chain((key) => validValue(properties[key], world).map((value) => `${key}=${percentEncode(String(value))}`)) },
          { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...known), hostileString).map(([key, value]) => `${key}=${percentEncode(value)}`) },
          { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...known), hostileSegments).map(([key, raw]) => `${key}=${raw}`) },
          { weight: 1, arbitrary: fc.constantFrom(...known).map((key) => `${key}[]=1&${key}[]=2`) },
        ]
      : []),
    { weight: 1, arbitrary: fc.constantFrom('__proto__[polluted]=1', 'constructor[prototype][polluted]=1', '=', '&&', 'a=%00', '%zz=1', 'a=%ED%A0%80', `x=${'a'.repeat(10_000)}`) },
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

/** Present in about `percent` of the cases. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary });

function headersArbitrary(world: FuzzWorld, rightToken: string): fc.Arbitrary<Record<string, string>> {
  // mostly the token the route accepts, sometimes another valid one (wrong scope or centre), a broken one or none
  const otherTokens = Object.values(world.tokens).filter((token) => token !== rightToken);
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${rightToken}`) },
    { weight: 2, arbitrary: fc.constantFrom(...otherTokens).map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Bearer x.y.z', 'Basic Og==', 'Basic %%%', `Bearer ${world.tokens.centre}x`, 'bearer  a  b', 'Negotiate abc') },
  );
  const headers = {
    authorization: sometimes(authorization, 85),
    accept: sometimes(fc.constantFrom('text/html', 'application/json', 'application/vc', 'application/vc+ld+json', 'application/ld+json', 'image/png', '*/*', 'text/html;q=x, */*;q=0.1', ',,,', 'application/vc+jwt'), 40),
    'accept-language': sometimes(fc.constantFrom('ar', 'zh-CN,zh;q=0.9', 'fr-FR;q=0.8, en;q=0.5', '*', 'xx-YY', 'en;q=abc', 'a'.repeat(300), ',;q=,'), 30),
    cookie: sometimes(fc.constantFrom('lang=ar', 'lang=%00', 'lang=xx', 'lang=%zz', 'a=b; lang=zh; lang=fr', 'junk'), 25),
    'idempotency-key': sometimes(fc.constantFrom('key-1', 'key-2', 'ключ', ' ', 'a'.repeat(300)), 25),
    'if-none-match': sometimes(fc.constantFrom('*', 'W/"x"', '"abc"', 'garbage'), 20),
    'x-request-id': sometimes(fc.constantFrom('fuzz', 'a'.repeat(2_000), '../etc'), 20),
    'x-forwarded-for': sometimes(fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1'), 20),
  };
  return fc.record(headers).map((picked) => Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined)) as Record<string, string>);
}

/**
 * Every kind of request the route can be sent: hostile path, query, headers and (for writes) body. `rightToken` is
 * the bearer token the route accepts (the engine finds it by asking), so that most cases get past authorisation.
 */
export function caseArbitrary(route: FuzzRoute, world: FuzzWorld, rightToken = world.tokens.centre): fc.Arbitrary<FuzzCase> {
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const body = hasBody
    ? fc.option(bodyArbitrary(route, world), { freq: 12 }).chain((picked) =>
        picked === null
          ? fc.constant({ payload: undefined, contentType: undefined })
          : CONTENT_TYPES[picked.encoding].map((contentType) => ({ payload: encodeBody(picked.encoding, picked.value), contentType })),
      )
    : fc.constant({ payload: undefined, contentType: undefined });
  const method = route.method === 'GET' ? fc.constantFrom('GET', 'GET', 'GET', 'HEAD') : fc.constant(route.method);
  return fc.tuple(method, pathArbitrary(route, world), queryArbitrary(route, world), headersArbitrary(world, rightToken), body).map(([verb, path, query, headers, { payload, contentType }]) => ({
    method: verb,
    url: `${path}${query}`,
    headers: contentType === undefined ? headers : { ...headers, 'content-type': contentType },
    ...(payload === undefined ? {} : { payload }),
  }));
}
