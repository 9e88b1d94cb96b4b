import fc from 'fast-check';

// The hostile values a fuzz case puts into bodies, parameters, query strings and headers. Each list names a
// class of input that once broke (or could break) a layer of the service: the JSON parser, zod, the signer, the
// OB 3.0 check, PostgreSQL (NUL, lone surrogates in jsonb), Intl, the router.

/** A placeholder for JSON text that JSON.stringify cannot produce: nesting deeper than any sane document. */
export class DeepJson {
  constructor(
    readonly depth: number,
    readonly shape: 'array' | 'object',
  ) {}
  text(): string {
    return this.shape === 'array' ? `${'['.repeat(this.depth)}1${']'.repeat(this.depth)}` : `${'{"a":'.repeat(this.depth)}1${'}'.repeat(this.depth)}`;
  }
}

export const deepJson = fc
  .tuple(fc.constantFrom(64, 200, 1_000, 5_000, 20_000, 100_000), fc.constantFrom<'array' | 'object'>('array', 'object'))
  .map(([depth, shape]) => new DeepJson(depth, shape));

/** URLs that look plausible but are not (or not safely) URLs: each once passed a schema and broke signing. */
export const HOSTILE_URLS = [
  'https://example.org/a b',
  'https://example.org/"quoted"',
  'https://example.org/<tag>',
  'https://example.org/{braces}',
  'https://example.org/a|b',
  'https://example.org/a\\b',
  'https://example.org/%zz',
  'https://example.org/a^b',
  'https://example.org/a`b',
  'https://exämple.org/portfolio',
  'https://例子.测试/作品',
  'https://xn--exmple-cua.org/',
  'https://example.org/\u0000',
  'https://example.org/\ud800',
  'https://example.org/\u202e',
  'https://example.org/\t',
  'https://example.org:99999/',
  'https://[::1',
  'https://user:pass@example.org/',
  'http://',
  'https:example.org',
  '//example.org/x',
  'example.org',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'ftp://example.org/file',
  'http://169.254.169.254/latest/meta-data',
  `https://example.org/${'a'.repeat(2100)}`,
  'HTTPS://EXAMPLE.ORG/UPPER',
  'https://example.org/a%20b#fragment',
];

/** Strings that stress text handling: control characters, invalid UTF-16, normalisation, bidi, size, injection. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'Ada\u0000Lovelace',
  '\ud800',
  'Ada \udc00 Lovelace',
  'end\ud83d',
  '\uffff\ufffe',
  '\ufeffAda',
  '\u202eecalevoL adA',
  'Ada\u200b',
  'e\u0301'.repeat(300),
  '%00',
  '%zz',
  "'; drop table credentials; --",
  '${jndi:ldap://example.org/a}',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return 1")()}}',
  '../../../../etc/passwd',
  '\r\nSet-Cookie: a=b',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '1e309',
  '-0',
  'نور الهدى',
  '李华',
  '😀'.repeat(120),
  'A'.repeat(201),
  'A'.repeat(5_000),
  'A'.repeat(70_000),
  'ZZ',
  'zz',
  'XK',
  'EU',
  '00',
  '1',
  'en-GB',
  'did:web:',
  'did:key:z',
  '2026-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59+14:00',
  '00000000-0000-0000-0000-000000000000',
];

/** Any string, with a bias towards the listed hostile ones and towards code points that are not characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_URLS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

/** Objects whose keys try to pollute prototypes (JSON.parse keeps `__proto__` as an own key). */
export const POLLUTING_OBJECTS: Record<string, unknown>[] = [
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  JSON.parse('{"prototype": {"polluted": true}}'),
];

/** A value of the wrong type (or of no sane shape) for whatever field it lands in. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [null], [''], { '': '' }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTING_OBJECTS) },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 30, maxLength: 300 }) },
);

/** Raw request bodies that are not (well-formed) JSON documents. */
export const rawBodies: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom<string | Buffer>(
    '',
    ' ',
    'null',
    'true',
    '0',
    '"text"',
    '[]',
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '{"a":1,"a":2}',
    '{"a":"\u0000"}',
    '{"a":"\\u0000"}',
    '{"a":"\\ud800"}',
    '{"a":"\\udc00\\ud800"}',
    '{"a":1e99999}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '\ufeff{"a":1}',
    Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    `{"a":"${'x'.repeat(1_100_000)}"}`,
  ),
  deepJson.map((deep) => deep.text()),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** Path segments, already percent-encoded as they travel: NUL, malformed escapes, invalid UTF-8, length, unicode. */
export const hostileSegments: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%00',
    'abc%00',
    '00000000-0000-4000-8000-000000000000%00',
    '%zz',
    '%',
    '%E0%A4%A',
    '%ED%A0%80',
    '%FF%FE',
    '%C0%AF',
    '..',
    '..%2F..%2Fetc%2Fpasswd',
    '%2F',
    '%20',
    '%0D%0ASet-Cookie:%20a=b',
    'a'.repeat(999),
    'a'.repeat(5_000),
    '%E2%80%AE',
    '%F0%9F%98%80',
    encodeURIComponent('مصر'),
    encodeURIComponent('中心'),
    'DEMO',
    'EG-0000-0000-0000-0',
    '00000000-0000-4000-8000-000000000000',
    '00000000-0000-4000-8000-00000000000G',
    '-1',
    '0',
    '99999999999999999999',
    '1.5',
    'null',
    '__proto__',
    'constructor',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);

/** Percent-encodes a string as a browser would; a lone surrogate (which has no UTF-8 form) goes as its WTF-8 bytes. */
export function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(char);
  }
  return out;
}
