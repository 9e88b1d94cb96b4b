import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { credentials } from '../../../src/db/schema/index.js';
import { catalogues as checkCatalogues } from '../../../src/modules/verification/messages.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL } from '../../helper.js';
import { testClock } from '../../support/clock.js';
import { act, secondsAhead } from '../../support/lifecycle.js';
import { assertPage, browser, definition, elements, issuedFrom, LANGUAGES, pageApp } from './page-support.js';

// The page after lifecycle changes made through the API: revoked, suspended (and lifted), superseded by a
// correction (both pages linking each other), expired. A change made here shows on the next view.

const clock = testClock();
const p = await pageApp(t, {}, { clock });
const { app, token } = p;

const view = async (t: Test, id: string, language = 'en') => {
  const response = await p.get(`/credentials/${id}?lang=${language}`, browser());
  const page = assertPage(t, response, 200, `${id} in ${language}`);
  return { ...page, body: response.body, hasLinkedIn: elements(response.body, 'a').some((a) => a.href?.startsWith('https://www.linkedin.com/')) };
};
const checkOf = (page: Awaited<ReturnType<typeof view>>, index: number) => page.checks[index];
const STATUS = 3;
const VALIDITY = 4;

t.test('revoked: shown at once, in every language, without the LinkedIn button', async (t) => {
  const credential = await p.issueFor('Revoked Person');
  const before = await view(t, credential.id);
  t.equal(before.h1, pageCatalogues.en.verdicts.valid.title, 'valid before (and now in the short cache)');
  t.ok(before.hasLinkedIn);

  const revoked = await act(app, token, credential.id, 'revoke', { reason: 'issued in error' });
  t.equal(revoked.statusCode, 200, revoked.body);
  for (const language of LANGUAGES) {
    const page = await view(t, credential.id, language);
    t.equal(page.h1, pageCatalogues[language].verdicts.revoked.title, `${language}: the revoked verdict, right after the change`);
    t.match(page.body, /<section class="verdict bad"/, `${language}: marked as bad, not only by colour: the words say it`);
    t.notOk(page.hasLinkedIn, `${language}: no LinkedIn button for a credential that does not verify`);
    t.equal(checkOf(page, STATUS)?.status, 'failed');
    t.equal(checkOf(page, STATUS)?.outcome, pageCatalogues[language].checks.outcomes.failed);
    t.ok(checkOf(page, STATUS)?.message.includes('issued in error'), `${language}: the reason`);
  }
  const english = await view(t, credential.id);
  t.match(checkOf(english, STATUS)?.message, /^The credential was revoked on .+: issued in error\.$/);
  const json = await p.get(`/credentials/${credential.id}`);
  t.equal(json.body, credential.bytes, 'the JSON stays the signed bytes');
});

t.test('suspended, then lifted', async (t) => {
  const credential = await p.issueFor('Suspended Person');
  t.equal((await view(t, credential.id, 'fr')).h1, pageCatalogues.fr.verdicts.valid.title);
  const suspended = await act(app, token, credential.id, 'suspend', { reason: 'under review' });
  t.equal(suspended.statusCode, 200, suspended.body);
  for (const language of LANGUAGES) {
    const page = await view(t, credential.id, language);
    t.equal(page.h1, pageCatalogues[language].verdicts.suspended.title, `${language}: suspended`);
    t.notOk(page.hasLinkedIn);
    t.equal(checkOf(page, STATUS)?.status, 'failed');
  }
  t.equal(checkOf(await view(t, credential.id), STATUS)?.message, checkCatalogues.en['status.suspended']({ reason: 'under review' }));
  const lifted = await act(app, token, credential.id, 'unsuspend', { reason: 'review done' });
  t.equal(lifted.statusCode, 200, lifted.body);
  const page = await view(t, credential.id, 'fr');
  t.equal(page.h1, pageCatalogues.fr.verdicts.valid.title, 'valid again at once');
  t.ok(page.hasLinkedIn, 'and shareable again');
});

t.test('corrected: the old page points to the new one, the new one to the old', async (t) => {
  const old = await p.issueFor('Amina El-Sayd');
  await view(t, old.id);
  const reissued = await act(app, token, old.id, 'reissue', { changes: { recipient: { name: 'Amina El-Sayed' } }, reason: 'name misspelt' });
  t.equal(reissued.statusCode, 201, reissued.body);
  const current = await issuedFrom(app, token, reissued.body);

  for (const language of LANGUAGES) {
    const text = pageCatalogues[language];
    const page = await view(t, old.id, language);
    t.equal(page.h1, text.verdicts.superseded.title, `${language}: superseded`);
    t.notOk(page.hasLinkedIn);
    const link = /<a href="([^"]+)">([^<]+)<\/a>/.exec(/<section class="verdict[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '')?.slice(1);
    t.same(link, [`${BASE_URL}/credentials/${current.id}`, text.credential.supersededBy], `${language}: a link to the current credential, in the verdict`);
    t.ok(checkOf(page, STATUS)?.message.includes(`${BASE_URL}/credentials/${current.id}`), 'the status check names it too');

    const now = await view(t, current.id, language);
    t.equal(now.h1, text.verdicts.valid.title, `${language}: the new one is valid`);
    t.equal(definition(now.body, text.credential.replaces), `${BASE_URL}/credentials/${old.id}`, `${language}: and says what it replaces`);
    t.ok(elements(now.body, 'a').some((a) => a.href === `${BASE_URL}/credentials/${old.id}`), 'as a link');
    t.equal(definition(now.body, text.credential.recipient), 'Amina El-Sayed', 'with the corrected name');
  }
  // following the link leads to the current page
  const followed = await p.get(new URL(`${BASE_URL}/credentials/${current.id}`).pathname, browser());
  t.equal(followed.statusCode, 200);
});

t.test('expired: once its validUntil has passed', async (t) => {
  const until = secondsAhead(2000, clock.now());
  const credential = await p.issueFor('Expiring Person', { validUntil: until });
  // viewed before the end in French (the page cache is per language), after it in the other languages
  const before = await view(t, credential.id, 'fr');
  t.equal(before.h1, pageCatalogues.fr.verdicts.valid.title, 'valid before');
  t.ok(before.hasLinkedIn);
  clock.advancePast(until);
  for (const language of ['en', 'ar', 'zh'] as const) {
    const page = await view(t, credential.id, language);
    t.equal(page.h1, pageCatalogues[language].verdicts.expired.title, `${language}: expired`);
    t.notOk(page.hasLinkedIn, `${language}: no LinkedIn button`);
    t.equal(checkOf(page, VALIDITY)?.status, 'failed', 'the validity check failed');
    t.equal(checkOf(page, STATUS)?.status, 'passed', 'while the status is fine');
  }
  t.match(checkOf(await view(t, credential.id), VALIDITY)?.message, /^The credential expired on /);
});

t.test('a status change made elsewhere shows within the short cache; the ETag follows what the page says', async (t) => {
  const credential = await p.issueFor('Cached Person');
  const untouched = await p.issueFor('Untouched Person');
  const etagOf = async (id: string) => (await p.get(`/credentials/${id}?lang=zh`, browser())).headers.etag as string;
  const [changedTag, untouchedTag] = [await etagOf(credential.id), await etagOf(untouched.id)];
  t.equal((await view(t, credential.id, 'zh')).h1, pageCatalogues.zh.verdicts.valid.title);
  // another replica's change: written to the database without clearing this process's cache
  await app.ctx.db.update(credentials).set({ suspendedAt: new Date(), suspensionReason: 'elsewhere' }).where(eq(credentials.id, credential.id));
  const maxAge = Number(/max-age=(\d+)/.exec(String((await p.get(`/credentials/${credential.id}`, browser())).headers['cache-control']))?.[1]);
  t.ok(maxAge <= 60);
  clock.advance(5_200);
  t.equal((await view(t, credential.id, 'zh')).h1, pageCatalogues.zh.verdicts.suspended.title, 'after the cache time, the page shows the change');

  const stale = await p.get(`/credentials/${credential.id}?lang=zh`, browser({ 'if-none-match': changedTag }));
  t.equal(stale.statusCode, 200, 'a cache holding the valid page must take the new one');
  t.not(stale.headers.etag, changedTag, 'under a new ETag');
  const same = await p.get(`/credentials/${untouched.id}?lang=zh`, browser({ 'if-none-match': untouchedTag }));
  t.equal(same.statusCode, 304, 'verified again since, but saying the same: still 304 (the check time is not part of the version)');
});

t.test('a revocation changes the ETag at once', async (t) => {
  const credential = await p.issueFor('Tagged Person');
  const before = await p.get(`/credentials/${credential.id}`, browser());
  const etag = before.headers.etag as string;
  t.equal((await p.get(`/credentials/${credential.id}`, browser({ 'if-none-match': etag }))).statusCode, 304, 'unchanged: 304');
  t.equal((await act(app, token, credential.id, 'revoke', { reason: 'withdrawn' })).statusCode, 200);
  const after = await p.get(`/credentials/${credential.id}`, browser({ 'if-none-match': etag }));
  t.equal(after.statusCode, 200, 'revoked: the old ETag no longer matches');
  t.equal(assertPage(t, after, 200, 'after revocation').h1, pageCatalogues.en.verdicts.revoked.title);
});
