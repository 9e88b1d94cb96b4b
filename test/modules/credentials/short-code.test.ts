import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with a default export: under ESM its function is the module's `default`
type DecodeQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: DecodeQr }).default;
import { eq } from 'drizzle-orm';
import t from 'tap';
import { credentials } from '../../../src/db/schema/index.js';
import { backfillShortCodes } from '../../../src/modules/credentials/service.js';
import { generateShortCode } from '../../../src/lib/short-code.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';

// Every credential gets a short code; GET /v/:code and POST /api/v1/verify {code} find it; a mistyped code is a
// clear 422, an unknown one a 404, never a 500.

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp, 'credentials:issue credentials:read');
const issued = (await issue(app, token, { achievementId: await firstAchievementId(app), recipient: { name: 'Amina El-Sayed' } })).json();
const details = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${issued.id}`, headers: { authorization: `Bearer ${token}` } })).json();
const code: string = details.shortCode;

t.test('the credential has a code of its centre\'s country, not written into the signed credential', async (t) => {
  t.match(code, /^EG-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
  t.notOk(JSON.stringify(issued.verifiableCredential).includes(code), 'the signed document does not carry it');
});

t.test('GET /v/:code redirects to the credential, however the code is typed', async (t) => {
  for (const typed of [code, code.toLowerCase(), code.replaceAll('-', ''), encodeURIComponent(code.replaceAll('-', ' '))]) {
    const response = await app.inject({ method: 'GET', url: `/v/${typed}` });
    t.equal(response.statusCode, 302, typed);
    t.equal(response.headers.location, `/credentials/${issued.id}`);
  }
  const withLanguage = await app.inject({ method: 'GET', url: `/v/${code}?lang=ar` });
  t.equal(withLanguage.headers.location, `/credentials/${issued.id}?lang=ar`, 'the query string follows the redirect');
});

t.test('POST /api/v1/verify {code}', async (t) => {
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code: code.toLowerCase() } })).json();
  t.equal(report.verdict, 'valid');
  t.equal(report.credential.id, issued.url);
});

t.test('mistyped and unknown codes: problems that say to check the code', async (t) => {
  const last = code.at(-1)!;
  const typo = `${code.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
  for (const url of [`/v/${typo}`, '/v/not-a-code', `/v/${'x'.repeat(101)}`]) {
    const response = await app.inject({ method: 'GET', url });
    t.ok([400, 422].includes(response.statusCode), `${url}: ${response.statusCode}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  }
  const typoProblem = (await app.inject({ method: 'GET', url: `/v/${typo}` })).json();
  t.equal(typoProblem.type, 'http://localhost:3000/problems/invalid-code');
  t.match(typoProblem.detail, /mistyped/);
  // a well-formed code with a valid check character that no credential has
  const unknown = await app.inject({ method: 'GET', url: `/v/${generateShortCode('EG')}` });
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json().detail, /No credential has the code/);
  const viaApi = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code: typo } });
  t.equal(viaApi.statusCode, 422);
  t.match(viaApi.json().detail, /mistyped/);
});

t.test('the QR code (PNG and SVG) carries the short link, which opens the credential', async (t) => {
  const png = await app.inject({ method: 'GET', url: `/credentials/${issued.id}/qr.png` });
  t.equal(png.statusCode, 200);
  t.equal(png.headers['content-type'], 'image/png');
  t.match(png.headers['content-disposition'], new RegExp(`^inline; filename="credential-${code}\\.png"$`));
  const image = PNG.sync.read(png.rawPayload);
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  t.equal(decoded?.data, `http://localhost:3000/v/${code}`, 'the QR decodes to the short link');
  const followed = await app.inject({ method: 'GET', url: new URL(decoded!.data).pathname });
  t.equal(followed.headers.location, `/credentials/${issued.id}`);

  const svg = await app.inject({ method: 'GET', url: `/credentials/${issued.id}/qr.svg?download=1` });
  t.equal(svg.statusCode, 200);
  t.match(svg.headers['content-type'], /^image\/svg\+xml/);
  t.match(svg.headers['content-disposition'], /^attachment; filename="credential-EG-/);
  t.match(svg.body, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

  for (const url of ['/credentials/00000000-0000-4000-8000-000000000000/qr.png', '/credentials/nope/qr.svg']) {
    const missing = await app.inject({ method: 'GET', url });
    t.equal(missing.statusCode, 404, url);
    t.match(missing.headers['content-type'], /^application\/problem\+json/);
  }
});

t.test('credentials issued before short codes existed get one on start-up', async (t) => {
  const older = (await issue(app, token, { achievementId: await firstAchievementId(app), recipient: { name: 'Karim Adel' } })).json();
  await app.ctx.db.update(credentials).set({ shortCode: null }).where(eq(credentials.id, older.id));
  t.equal(await backfillShortCodes({ ctx: app.ctx }), 1, 'exactly the one without a code');
  const [row] = await app.ctx.db.select({ shortCode: credentials.shortCode }).from(credentials).where(eq(credentials.id, older.id));
  t.match(row?.shortCode, /^EG-/);
  t.equal((await app.inject({ method: 'GET', url: `/v/${row!.shortCode}` })).headers.location, `/credentials/${older.id}`);
  t.equal(await backfillShortCodes({ ctx: app.ctx }), 0, 'and nothing the second time');
  const [unchanged] = await app.ctx.db.select({ shortCode: credentials.shortCode }).from(credentials).where(eq(credentials.id, issued.id));
  t.equal(unchanged?.shortCode, code, 'existing codes are never changed');
});
