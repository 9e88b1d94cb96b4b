import type { Locator, Page, Response } from 'playwright-core';
import t, { type Test } from 'tap';
import type { JobQueue } from '../../src/jobs/queue.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { LANGUAGES, type Language } from '../../src/lib/i18n.js';
import { consoleMessages } from '../../src/web/console/messages/index.js';
import { build } from '../helper.js';
import { eventually } from '../support/batches.js';
import { addVirtualAuthenticator, axeViolations, launchBrowser, openPage, type Problem, saveScreenshot } from '../support/browser.js';
import { invitationPath, joinAs } from '../support/console.js';
import { freePort } from '../support/pg-cluster.js';
import { linkIn, startTestSmtp } from '../support/smtp.js';

// The staff console in a real Chromium, as centre staff use it: a manager accepts the CLI's invitation, adds a
// passkey (the virtual authenticator of the DevTools protocol), signs out and in again with it, invites a colleague
// who accepts the e-mailed link in another browser, issues one credential with the keyboard, uploads a cohort and
// watches it finish, and the manager revokes one with a reason, seen on the dashboard. The main path again in
// Arabic; then axe, weight and page problems on every console page in the four languages, with screenshots.
//
// WebAuthn needs a named host: the app is served on http://localhost:<port> with PUBLIC_BASE_URL that origin (the
// port chosen before the build), so e-mailed links open as they are.

const started = Date.now();
t.teardown(() => t.comment(`file ran in ${Date.now() - started} ms`));

const smtp = await startTestSmtp(t);
const port = await freePort();
const origin = `http://localhost:${port}`;
// No jobs are worked until the cohort's page has been seen running (startBatchWorkers): a 12-row batch now finishes
// in a fraction of a second, sooner than the browser follows the redirect to its page.
const { app } = await build(t, { PUBLIC_BASE_URL: origin, SMTP_URL: smtp.url, JOBS_IN_PROCESS: 'false' });
const startBatchWorkers = async () => t.teardown(await startWorkers({ ctx: app.ctx, queue: app.ctx.jobs as JobQueue, log: app.log }));
await app.listen({ host: '127.0.0.1', port });
const browser = await launchBrowser();
t.teardown(() => browser.close());
// the staff whose pages the axe tests read (signed in over HTTP: their session cookies go into the browser)
const axeManager = await joinAs(app, { email: 'salma.idris@centre.example', role: 'manager', name: 'Salma Idris' });
const axeAdmin = await joinAs(app, { email: 'platform.admin@iioe.example', role: 'admin', name: 'Platform Admin' });

const words = (language: Language) => consoleMessages(language);
const PAGE_LIMIT = 50_000;

/** A browser tab of the console: its page, the problems seen on it, and the main document it shows now. */
interface Tab {
  page: Page;
  problems: Problem[];
  /** the last main-frame document response (after redirects: the page shown) */
  document: () => Response;
}

/** Opens a path in a fresh context (cookies live there: navigate the same page to stay signed in). */
async function open(path: string, { javaScript, locale }: { javaScript: boolean; locale?: string }): Promise<Tab> {
  const opened = await openPage(browser, `${origin}${path}`, { javaScript, locale });
  let last = opened.response;
  opened.page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === opened.page.mainFrame()) last = response;
  });
  return { page: opened.page, problems: opened.problems, document: () => last };
}

/** Clicks (or presses) something that navigates, and waits for the page it leads to. */
async function navigating(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
}

/** An element's text with its white space collapsed (a no-break space of French punctuation stays one). */
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/[ \t\n\r]+/g, ' ').trim();
const pathOf = (page: Page) => new URL(page.url()).pathname;
const activeMatches = (page: Page, selector: string) => page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`) as Promise<boolean>;

/** Presses Tab until the focus is on `selector` (as a keyboard user does), failing after `max` presses. */
async function tabTo(page: Page, selector: string, max = 80) {
  for (let presses = 0; presses < max; presses++) {
    if (await activeMatches(page, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** The page's language, direction and heading. */
async function heading(page: Page) {
  return { lang: await page.locator('html').getAttribute('lang'), dir: await page.locator('html').getAttribute('dir'), h1: await text(page.locator('h1')) };
}

// ---------------------------------------------------------------------------------------------------------------

t.test('the centre\'s day, in English', async (t) => {
  const manager = { email: 'mona.fathy@centre.example', name: 'Mona Fathy' };
  const colleague = { email: 'karim.nabil@centre.example', name: 'Karim Nabil' };
  const en = words('en');

  // 1. the invitation the CLI printed, accepted in the browser; a passkey added; signed out; signed in with it
  const { path } = await invitationPath(app, { email: manager.email, role: 'manager', name: manager.name });
  const mine = await open(`${path}?lang=en`, { javaScript: true });
  const { page } = mine;
  t.equal(mine.document().status(), 200);
  t.equal(await text(page.locator('h1')), en.invitation.title);
  t.match(await text(page.locator('main')), `${manager.name}, you are invited to`);
  await navigating(page, () => page.getByRole('button', { name: en.invitation.button }).click());
  t.equal(pathOf(page), '/console/account', 'accepted: the account page');
  t.equal(await text(page.locator('h1')), en.account.title);
  t.match(await text(page.locator('.who')), `${manager.name} · ${en.roles.manager}`);
  t.equal(await text(page.locator('main')).then((main) => main.includes(en.account.noPasskeys)), true, 'no passkey yet');

  const authenticator = await addVirtualAuthenticator(page);
  const register = page.locator('[data-passkey="register"]');
  t.ok(await register.isVisible(), 'the script shows the passkey button');
  t.same(await axeViolations(page), [], 'axe: the account page as the script shows it');
  await page.locator('#passkey-name').fill('Office laptop');
  await navigating(page, () => register.click());
  t.equal(new URL(page.url()).searchParams.get('added'), '1');
  t.equal(await text(page.locator('[role="status"]')), en.account.passkeyAdded);
  t.match(await text(page.locator('ul.passkeys')), 'Office laptop');
  t.equal((await authenticator.credentials()).length, 1, 'the authenticator holds the passkey');

  await navigating(page, () => page.getByRole('button', { name: en.nav.signOut, exact: true }).click());
  t.equal(pathOf(page), '/console/sign-in');
  t.equal(await text(page.locator('[role="status"]')), en.signIn.signedOut);
  const signIn = page.locator('[data-passkey="sign-in"]');
  t.ok(await signIn.isVisible(), 'the script shows the passkey sign-in button');
  t.same(await axeViolations(page), [], 'axe: the sign-in page as the script shows it');
  await navigating(page, () => signIn.click());
  t.equal(pathOf(page), '/console', 'signed in with the passkey: the dashboard');
  t.equal(await text(page.locator('h1')), en.dashboard.title);
  t.match((await authenticator.credentials())[0], { signCount: 2 }, 'the passkey was used once more');
  t.same(mine.problems, [], 'no page problems so far');

  // 2. a colleague invited from the settings (the passkey sign-in is a fresh confirmation) and accepting by e-mail
  await navigating(page, () => page.getByRole('link', { name: en.nav.settings }).click());
  t.equal(await text(page.locator('h1')), en.settings.title);
  await page.locator('#invite-name').fill(colleague.name);
  await page.locator('#invite-email').fill(colleague.email);
  await page.locator('#invite-role').selectOption('issuer');
  await navigating(page, () => page.getByRole('button', { name: en.settings.inviteButton }).click());
  t.equal(pathOf(page), '/console/settings', 'no confirmation asked right after signing in');
  t.equal(await text(page.locator('[role="status"]')), en.settings.invited({ email: colleague.email }));
  const invitedRow = page.locator('tr', { hasText: colleague.email });
  t.match(await text(invitedRow.locator('td').first()), colleague.name, 'the colleague is listed');
  t.ok((await invitedRow.locator('td').allTextContents()).includes(en.settings.staffStates.invited), 'as invited');

  const invitation = await smtp.nextMessageTo(colleague.email);
  const link = linkIn(invitation, `${origin}/console/invitations/`);
  const theirs = await open(new URL(link).pathname + new URL(link).search, { javaScript: true });
  const colleaguePage = theirs.page;
  t.match(await text(colleaguePage.locator('main')), `${colleague.name}, you are invited to`);
  await navigating(colleaguePage, () => colleaguePage.getByRole('button', { name: en.invitation.button }).click());
  t.equal(pathOf(colleaguePage), '/console/account');
  t.match(await text(colleaguePage.locator('.who')), `${colleague.name} · ${en.roles.issuer}`, 'signed in as an issuer');
  t.equal(await colleaguePage.getByRole('link', { name: en.nav.settings }).count(), 0, 'an issuer has no centre settings');

  // 3. one credential issued with the keyboard: Tab to each field, type, Enter
  await colleaguePage.goto(`${origin}/console/issue?lang=en`);
  t.equal(await text(colleaguePage.locator('h1')), en.issue.title);
  await tabTo(colleaguePage, '#course');
  await colleaguePage.keyboard.press('ArrowDown');
  t.not(await colleaguePage.locator('#course').inputValue(), '', 'a course chosen with the arrow key');
  await tabTo(colleaguePage, '#name');
  await colleaguePage.keyboard.type('Layla Ahmed');
  await colleaguePage.keyboard.press('Tab');
  t.ok(await activeMatches(colleaguePage, '#email'), 'Tab goes from the name to the e-mail address');
  await colleaguePage.keyboard.type('layla.ahmed@learners.example');
  await navigating(colleaguePage, () => colleaguePage.keyboard.press('Enter'));
  t.equal(await text(colleaguePage.locator('h1')), en.issue.previewTitle, 'Enter shows the preview');
  t.match(await text(colleaguePage.locator('.preview')), 'Layla Ahmed');
  t.match(await text(colleaguePage.locator('main')), en.issue.willDeliver({ email: 'layla.ahmed@learners.example' }));
  await tabTo(colleaguePage, 'button[value="issue"]');
  await navigating(colleaguePage, () => colleaguePage.keyboard.press('Enter'));
  const credentialPath = pathOf(colleaguePage);
  t.match(credentialPath, /^\/console\/credentials\/[0-9a-f-]{36}$/, 'the credential page');
  t.equal(await text(colleaguePage.locator('[role="status"]')), en.issue.issuedAndQueued);
  const shortLink = await text(colleaguePage.locator('section[aria-labelledby="share-heading"] a[dir="ltr"]'));
  t.match(shortLink, new RegExp(`^${origin}/v/[A-Z0-9-]+$`), 'the short link');
  const code = await text(colleaguePage.locator('dd .code'));
  t.match(code, /^EG-[A-Z0-9-]{13,}$/, 'the code');
  t.comment(`short link ${shortLink}, code ${code}`);
  const qr = colleaguePage.locator('img[src$="/qr.svg"]');
  t.ok(await qr.isVisible(), 'the QR code is shown');
  t.ok(((await colleaguePage.evaluate('document.querySelector(\'img[src$="/qr.svg"]\').naturalWidth')) as number) > 0, 'the QR image loaded');
  t.same(theirs.problems, [], 'no page problems (the QR image included)');

  // 4. a cohort: upload, dry run, confirm, the progress bar moving, the page reloading itself when done
  await colleaguePage.goto(`${origin}/console/cohorts?lang=en`);
  const rows = Array.from({ length: 12 }, (_, i) => `Learner ${i + 1},learner${i + 1}@learners.example,genai-foundation,EN-${i + 1}`);
  await colleaguePage.locator('#file').setInputFiles({ name: 'spring-cohort.csv', mimeType: 'text/csv', buffer: Buffer.from(`name,email,course,externalId\n${rows.join('\n')}\n`) });
  await navigating(colleaguePage, () => colleaguePage.getByRole('button', { name: en.cohorts.check }).click());
  t.match(pathOf(colleaguePage), /^\/console\/cohorts\/uploads\//, 'the dry run');
  t.equal(await text(colleaguePage.locator('h1')), en.cohorts.reportTitle);
  t.same((await colleaguePage.locator('.stats li').allTextContents()).slice(0, 2), [`12${en.cohorts.figures.totalRows}`, `12${en.cohorts.figures.toIssue}`]);
  t.match(await text(colleaguePage.locator('main')), en.cohorts.noIssues);

  // the script's polls, passed through unchanged and noted (a listener would lose the last one to the reload)
  const progress: { done: number; total: number; finished: boolean; at: number }[] = [];
  await colleaguePage.route(/\/console\/cohorts\/[0-9a-f-]{36}\/progress\?/, async (route) => {
    const response = await route.fetch();
    progress.push({ ...(await response.json()), at: Date.now() - started });
    await route.fulfill({ response });
  });
  await navigating(colleaguePage, () => colleaguePage.getByRole('button', { name: en.cohorts.confirm({ count: '12' }) }).click());
  const batchPath = pathOf(colleaguePage);
  t.match(batchPath, /^\/console\/cohorts\/[0-9a-f-]{36}$/, 'the batch page');
  t.equal(await text(colleaguePage.locator('[role="status"]').first()), en.cohorts.confirmed);
  t.ok(await colleaguePage.locator('progress').getAttribute('data-progress'), 'the running batch\'s bar is polled by the script');
  const firstValue = Number(await colleaguePage.locator('progress').getAttribute('value'));
  t.ok(firstValue < 12, `the bar starts short of the end (${firstValue} of 12)`);
  await startBatchWorkers();
  const loadsBefore = theirs.problems.length;
  // the script reloads the page when the batch has finished: wait for the finished page
  await colleaguePage.locator('#progress-heading').filter({ hasText: new RegExp(`^${en.cohorts.states.completed}$`) }).waitFor({ timeout: 60_000 });
  t.equal(await text(colleaguePage.locator('#progress-heading')), en.cohorts.states.completed, '"Completed" after the reload');
  t.equal(await colleaguePage.locator('progress[data-progress]').count(), 0, 'no longer polled');
  t.equal(await colleaguePage.locator('progress').getAttribute('value'), '12', 'the bar at its end');
  t.comment(`progress polled: ${progress.map((answer) => `${answer.done}/${answer.total}${answer.finished ? ' finished' : ''} at ${answer.at} ms`).join(', ')}`);
  t.ok(progress.length >= 1, 'the script polled the progress');
  t.match(progress.at(-1), { done: 12, total: 12, finished: true }, 'its last answer said finished, and the page reloaded');
  t.ok(progress.slice(0, -1).every((answer) => !answer.finished), 'the page reloaded on the first finished answer');
  t.equal(theirs.problems.length, loadsBefore, 'no page problems while following the batch');
  const results = colleaguePage.locator(`a[href^="/console/cohorts/"][href*="/results.csv"]`);
  t.equal(await results.count(), 1, 'the results download link');
  const csv = await colleaguePage.request.get(`${origin}${await results.getAttribute('href')}`);
  t.equal(csv.status(), 200);
  t.match(csv.headers()['content-type'], /^text\/csv/);
  t.equal((await csv.text()).trim().split('\n').length, 13, 'a header and the 12 rows');

  // 5. the manager revokes the colleague's credential with a reason (keyboard again), and sees it on the dashboard
  await page.goto(`${origin}/console/credentials?lang=en&name=${encodeURIComponent('Layla Ahmed')}`);
  await navigating(page, () => page.getByRole('link', { name: 'Layla Ahmed' }).click());
  t.equal(pathOf(page), credentialPath);
  await navigating(page, () => page.getByRole('link', { name: en.credential.revoke, exact: true }).click());
  t.equal(await text(page.locator('h1')), en.credential.confirmTitle.revoke);
  await tabTo(page, '#reason');
  await page.keyboard.type('Issued to the wrong learner');
  await tabTo(page, 'button[type="submit"].primary');
  await navigating(page, () => page.keyboard.press('Enter'));
  t.equal(pathOf(page), credentialPath);
  t.equal(await text(page.locator('[role="status"]')), en.credential.done.revoke);
  t.equal(await text(page.locator('.tag')), en.credentials.states.revoked, 'the status shows revoked');
  t.match(await text(page.locator('main')), 'Issued to the wrong learner');
  await navigating(page, () => page.getByRole('link', { name: en.nav.dashboard }).click());
  const revocation = page.locator('ul.activity li', { hasText: `${manager.name} ${en.actions['credential.revoked']}` });
  t.equal(await revocation.count(), 1, 'the recent activity names the manager who revoked');
  t.equal(await revocation.locator('a').getAttribute('href'), `${credentialPath}?lang=en`, 'and links to the credential');
  t.ok((await page.locator('.stats li').allTextContents()).includes(`1${en.dashboard.revoked}`), 'one revoked');
  t.same(mine.problems, [], 'no page problems for the manager');
  t.same(theirs.problems, [], 'no page problems for the colleague');
  await Promise.all([page.close(), colleaguePage.close()]);
});

// ---------------------------------------------------------------------------------------------------------------

t.test('the same main path in Arabic', async (t) => {
  const ar = words('ar');
  const manager = { email: 'laila.hassan@centre.example', name: 'ليلى حسن' };
  await joinAs(app, { email: manager.email, role: 'manager', name: manager.name });

  const tab = await open('/console/sign-in?lang=en', { javaScript: true, locale: 'en-GB' });
  const { page } = tab;
  await navigating(page, () => page.locator('nav a[hreflang="ar"]').click());
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.signIn.title }, 'the switcher: the sign-in page in Arabic, right to left');
  await page.locator('#email').fill(manager.email);
  await navigating(page, () => page.getByRole('button', { name: ar.signIn.emailButton }).click());
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.signIn.emailSentTitle });
  const message = await smtp.nextMessageTo(manager.email);
  const link = new URL(linkIn(message, `${origin}/console/sign-in/link/`));
  await page.goto(`${origin}${link.pathname}${link.search}`);
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.signIn.linkTitle });
  t.match(await text(page.locator('main')), ar.signIn.linkIntro({ name: manager.name }));
  await navigating(page, () => page.getByRole('button', { name: ar.signIn.linkButton }).click());
  t.equal(pathOf(page), '/console');
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.dashboard.title }, 'signed in: the dashboard in Arabic');
  t.match(await text(page.locator('.who')), `${manager.name} · ${ar.roles.manager}`);

  await navigating(page, () => page.getByRole('link', { name: ar.nav.issue }).first().click());
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.issue.title });
  await page.locator('#course').selectOption({ index: 1 });
  await page.locator('#name').fill('فاطمة الزهراء');
  await page.locator('#email').fill('fatima@learners.example');
  await page.locator('#language').selectOption('ar');
  await navigating(page, () => page.getByRole('button', { name: ar.issue.previewButton }).click());
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.issue.previewTitle });
  t.equal(await page.locator('.preview').getAttribute('dir'), 'rtl', 'the Arabic credential previewed right to left');
  await navigating(page, () => page.getByRole('button', { name: ar.issue.issueButton }).click());
  t.match(pathOf(page), /^\/console\/credentials\/[0-9a-f-]{36}$/);
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.credential.title({ name: 'فاطمة الزهراء' }) });
  t.equal(await text(page.locator('[role="status"]')), ar.issue.issuedAndQueued);
  t.equal(await text(page.locator('.tag')), ar.credentials.states.active);

  await navigating(page, () => page.getByRole('link', { name: ar.credential.revoke, exact: true }).click());
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.credential.confirmTitle.revoke });
  await page.locator('#reason').fill('صدرت باسم خاطئ');
  await navigating(page, () => page.getByRole('button', { name: ar.credential.confirmButton.revoke }).click());
  t.same(await heading(page), { lang: 'ar', dir: 'rtl', h1: ar.credential.title({ name: 'فاطمة الزهراء' }) });
  t.equal(await text(page.locator('[role="status"]')), ar.credential.done.revoke);
  t.equal(await text(page.locator('.tag')), ar.credentials.states.revoked, 'ملغاة');
  t.match(await text(page.locator('main')), 'صدرت باسم خاطئ');
  await navigating(page, () => page.getByRole('link', { name: ar.nav.dashboard }).click());
  t.equal(await page.locator('ul.activity li', { hasText: `${manager.name} ${ar.actions['credential.revoked']}` }).count(), 1, 'the revocation in the recent activity, by the manager\'s name');
  t.same(tab.problems, []);
  await page.close();
});

// ---------------------------------------------------------------------------------------------------------------

const SCREENSHOTS = new Set(['dashboard', 'issue-form', 'issue-preview', 'credential', 'cohort-report', 'batch', 'settings']);
/** Every page checked: its weight in bytes, by name and language. */
const weights: { name: string; language: Language; bytes: number }[] = [];

/** One console page as it is now: its status, weight, problems since the last check, axe; and a screenshot. */
async function checkPage(t: Test, tab: Tab, language: Language, name: string, { status = 200, seen }: { status?: number; seen: { problems: number } }) {
  const { page } = tab;
  const document = tab.document();
  t.equal(document.status(), status, `${name}: status ${status}`);
  t.equal(await page.locator('html').getAttribute('lang'), language, `${name}: <html lang="${language}">`);
  t.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr', `${name}: direction`);
  const bytes = (await document.body()).length;
  weights.push({ name, language, bytes });
  t.ok(bytes < PAGE_LIMIT, `${name}: the document is ${bytes} bytes, under 50 KB`);
  t.same(await axeViolations(page), [], `${name}: no serious or critical axe violations`);
  t.same(tab.problems.slice(seen.problems), [], `${name}: no console errors, failed or blocked requests`);
  seen.problems = tab.problems.length;
  if (SCREENSHOTS.has(name)) await saveScreenshot(page, `console-${name}-${language}`);
}

const cookieOf = (header: string) => {
  const [name, value] = header.split('=') as [string, string];
  return { name, value, url: origin };
};
const adminPresent = app.hasRoute({ method: 'GET', url: '/console/admin' });
/** At most this many platform admin routes per language (the crawl follows their links). */
const ADMIN_PAGES_MAX = 16;
/** The GET route a path is served by, its parameters named (/console/admin/centres/:slug), or null. */
function routeOf(pathname: string): string | null {
  const found = app.findRoute({ method: 'GET', url: pathname });
  if (!found) return null;
  const params = Object.entries(found.params as Record<string, string>);
  return pathname
    .split('/')
    .map((segment) => {
      const param = params.find(([, value]) => value === decodeURIComponent(segment));
      return param ? `:${param[0]}` : segment;
    })
    .join('/');
}

for (const language of LANGUAGES) {
  t.test(`axe, weight and problems on every console page in ${language}`, async (t) => {
    const w = words(language);
    const q = `lang=${language}`;
    const tab = await open(`/console/sign-in?${q}`, { javaScript: false });
    const { page } = tab;
    const seen = { problems: 0 };
    const visit = async (path: string, name: string, status = 200) => {
      await page.goto(`${origin}${path}`);
      await checkPage(t, tab, language, name, { status, seen });
    };
    await checkPage(t, tab, language, 'sign-in', { seen });
    await page.locator('#email').fill('nobody@centre.example');
    await navigating(page, () => page.locator('form[action^="/console/sign-in/email"] button').click());
    t.equal(await text(page.locator('h1')), w.signIn.emailSentTitle);
    await checkPage(t, tab, language, 'link-sent', { seen });

    await page.context().addCookies([cookieOf(axeManager.cookie)]);
    await visit(`/console?${q}`, 'dashboard');
    await visit(`/console/account?${q}`, 'account');
    await visit(`/console/issue?${q}`, 'issue-form');
    await page.locator('#course').selectOption({ index: 1 });
    await page.locator('#name').fill(language === 'zh' ? '王小明' : language === 'ar' ? 'يوسف منصور' : 'Youssef Mansour');
    await page.locator('#email').fill(`youssef.${language}@learners.example`);
    await navigating(page, () => page.locator('button[value="preview"]').click());
    t.equal(await text(page.locator('h1')), w.issue.previewTitle);
    await checkPage(t, tab, language, 'issue-preview', { seen });
    await navigating(page, () => page.locator('button[value="issue"]').click());
    const credentialPath = pathOf(page);
    t.match(credentialPath, /^\/console\/credentials\/[0-9a-f-]{36}$/);
    await checkPage(t, tab, language, 'credential', { seen });
    await visit(`/console/credentials?${q}`, 'credential-list');
    await visit(`${credentialPath}/revoke?${q}`, 'revoke-confirmation');
    await navigating(page, () => page.locator('form button.primary').click());
    t.equal(await text(page.locator('#error-summary a')), w.credential.reasonRequired, 'an empty reason: the error, tied to the field');
    await checkPage(t, tab, language, 'revoke-confirmation-error', { status: 422, seen });

    await visit(`/console/cohorts?${q}`, 'cohorts');
    const csv = `name,email,course,externalId\nNadia Saleh,nadia.${language}@learners.example,genai-foundation,AX-${language}-1\n,noname@learners.example,genai-foundation,AX-${language}-2\nOmar Said,not-an-address,no-such-course,AX-${language}-3\n`;
    await page.locator('#file').setInputFiles({ name: `cohort-${language}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await navigating(page, () => page.locator('form[enctype] button[type="submit"]').click());
    t.equal(await page.locator('td.cell-issue').count() >= 3, true, 'the rows\' errors are marked in their cells');
    await checkPage(t, tab, language, 'cohort-report', { seen });
    await page.locator('#skipInvalid').check();
    await navigating(page, () => page.locator('form[action*="/confirm"] button[type="submit"]').click());
    const batchPath = pathOf(page);
    t.match(batchPath, /^\/console\/cohorts\/[0-9a-f-]{36}$/);
    // without JavaScript a running batch's page refreshes itself: check it once it has finished
    await eventually('the batch to finish', () => page.request.get(`${origin}${batchPath}/progress`, { headers: { accept: 'application/json' } }).then((r) => r.json()), (p: { finished: boolean }) => p.finished, 60_000);
    await visit(`${batchPath}?${q}`, 'batch');
    t.equal(await text(page.locator('#progress-heading')), w.cohorts.states['completed-with-errors']);

    await visit(`/console/settings?${q}`, 'settings');
    await visit(`/console/confirm?${q}&next=%2Fconsole%2Fsettings`, 'confirm');

    if (!adminPresent) {
      t.comment('no /console/admin route in this build: the platform admin pages are not checked');
    } else {
      await page.context().addCookies([cookieOf(axeAdmin.cookie)]);
      // the platform's pages as its links lead to them, each route once (a centre's page stands for every centre's)
      const queue = [`/console/admin?${q}`];
      const kinds = new Map<string, string>();
      while (queue.length > 0 && kinds.size < ADMIN_PAGES_MAX) {
        const target = new URL(queue.shift()!, origin);
        const route = routeOf(target.pathname);
        if (!route) t.fail(`${target.pathname}: a link to no page`);
        if (!route || kinds.has(route)) continue;
        kinds.set(route, target.pathname);
        target.searchParams.set('lang', language);
        await visit(`${target.pathname}${target.search}`, route.slice('/console/'.length).replaceAll('/', '-'));
        for (const link of await page.locator('main a[href^="/console/admin"]').all()) {
          const href = await link.getAttribute('href');
          if (href && !/\.(csv|json|pdf|png)(\?|$)/.test(href)) queue.push(href);
        }
      }
      t.comment(`${language}: ${kinds.size} platform admin pages: ${[...kinds.values()].join(', ')}`);
    }
    await page.close();
  });
}

t.test('page weights', async (t) => {
  const heaviest = weights.reduce((top, entry) => (entry.bytes > top.bytes ? entry : top), weights[0]!);
  t.comment(`heaviest: ${heaviest.name} (${heaviest.language}) ${heaviest.bytes} bytes of ${weights.length} pages`);
  for (const language of LANGUAGES) t.comment(`${language}: ${weights.filter((entry) => entry.language === language).map((entry) => `${entry.name} ${entry.bytes}`).join(', ')}`);
  t.ok(heaviest.bytes < PAGE_LIMIT);
});
