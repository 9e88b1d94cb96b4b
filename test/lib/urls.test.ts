import t from 'tap';
import { httpUrlSchema, isHttpUrl, isUri, isUrl, normaliseHttpUrl } from '../../src/lib/urls.js';

t.test('normaliseHttpUrl makes a typed link into the RFC 3986 URL a signed document can carry', async (t) => {
  const cases: [string, string][] = [
    ['https://example.org/a b', 'https://example.org/a%20b'],
    ['https://example.org/"q"', 'https://example.org/%22q%22'],
    ['https://example.org/<x>', 'https://example.org/%3Cx%3E'],
    ['https://example.org/{x}', 'https://example.org/%7Bx%7D'],
    ['https://example.org/a|b', 'https://example.org/a%7Cb'],
    ['https://example.org/a^b`c', 'https://example.org/a%5Eb%60c'],
    ['https://example.org/a\\b', 'https://example.org/a/b'],
    ['https://exämple.org/portfolio', 'https://xn--exmple-cua.org/portfolio'],
    ['https://例子.测试/作品?q=é#f{x}', 'https://xn--fsqu00a.xn--0zwm56d/%E4%BD%9C%E5%93%81?q=%C3%A9#f%7Bx%7D'],
    ['  HTTPS://EXAMPLE.ORG/Path  ', 'https://example.org/Path'],
    ['https://example.org', 'https://example.org/'],
    ['https://example.org/a%20b', 'https://example.org/a%20b'],
  ];
  for (const [typed, expected] of cases) {
    const url = normaliseHttpUrl(typed);
    t.equal(url, expected, typed);
    t.ok(url && isUrl(url), `${typed}: the result is an RFC 3986 URL`);
  }
});

t.test('normaliseHttpUrl refuses what cannot be an http(s) link', async (t) => {
  for (const typed of ['https://example.org/%zz', 'https://example.org/100%', 'javascript:alert(1)', 'ftp://example.org/x', 'data:text/html,x', '//example.org/x', 'example.org', 'http://', 'https://[::1', 'https://example.org:99999/', 'https://user:pass@example.org/', 'https:example.org']) {
    t.equal(normaliseHttpUrl(typed), undefined, typed);
  }
});

t.test('httpUrlSchema: normalised output, a message that says what to fix', async (t) => {
  t.equal(httpUrlSchema.parse('https://example.org/my work'), 'https://example.org/my%20work');
  const escape = httpUrlSchema.safeParse('https://example.org/%zz');
  t.notOk(escape.success);
  t.match(escape.error?.issues[0]?.message, /%25/, 'a stray % is explained');
  const scheme = httpUrlSchema.safeParse('javascript:alert(1)');
  t.match(scheme.error?.issues[0]?.message, /must be an http\(s\) URL/);
  t.notOk(httpUrlSchema.safeParse(`https://example.org/${'a'.repeat(2000)}`).success, 'bounded');
  t.notOk(httpUrlSchema.safeParse(`https://example.org/${'é'.repeat(600)}`).success, 'bounded once percent-encoded too');
});

t.test('isUri and isUrl: the one URL rule of the data-model checks and the OB 3.0 schema', async (t) => {
  for (const uri of ['did:web:example.org', 'urn:uuid:5b0f3c4e-8d7a-4a55-9a64-1f1f0c2d9e11', 'https://example.org/a?b#c']) t.ok(isUri(uri), uri);
  for (const bad of ['https://example.org/a b', 'https://exämple.org/', 'https://example.org/%zz', 'https://example.org/a|b', 'no-scheme', 'https://', '']) t.notOk(isUri(bad), bad);
  t.ok(isUrl('https://example.org/'));
  t.notOk(isUrl('did:web:example.org'), 'a DID is a URI, not a URL with an authority');
});

t.test('isHttpUrl: configuration URLs are used as given, so they must already be RFC 3986 http(s) URLs', async (t) => {
  for (const url of ['https://www.ichei.org', 'http://localhost:3000', 'https://example.org/a%20b']) t.ok(isHttpUrl(url), url);
  for (const url of ['https://exämple.org', 'https://example.org/a b', 'ftp://example.org', 'did:web:example.org', 'https://']) t.notOk(isHttpUrl(url), url);
});
