import type { Page } from 'playwright-core';
import type { Test } from 'tap';
import type { Language } from '../../src/lib/i18n.js';
import { DEMO_CENTRE, DEMO_COURSES } from '../../src/modules/demo/data.js';
import { pageCatalogues } from '../../src/web/messages/index.js';
import { build, demoToken, firstAchievementId, issue } from '../helper.js';
import { launchBrowser, listenApp, openPage, type OpenOptions } from '../support/browser.js';

// Shared by the real-browser page tests (test/web/*.browser.test.ts): one browser and one listening app per file,
// credentials issued through the API, and the few facts about a page those tests read through the DOM.

/** The demo foundation course's name in each language (the page shows the catalogue's name for the reader). */
export const COURSE_NAMES = DEMO_COURSES[0]!.name as Record<Language, string>;
export const CENTRE_NAMES = DEMO_CENTRE.name as Record<Language, string>;

export const verdictTitle = (language: Language, verdict: keyof (typeof pageCatalogues)['en']['verdicts']) => pageCatalogues[language].verdicts[verdict].title;

export interface Issued {
  id: string;
  /** the public URL (on publicBaseUrl) */
  url: string;
  shortCode: string;
  recipient: string;
  /** the signed document, byte for byte as the API serves it */
  json: string;
}

/** The browser, the app listening on 127.0.0.1, and issuing through the API; everything closed when `t` ends. */
export async function pageFixture(t: Test) {
  const launched = Date.now();
  const [browser, testApp] = await Promise.all([launchBrowser(), build(t)]);
  t.teardown(() => browser.close());
  const { app } = testApp;
  const base = await listenApp(app);
  const [token, achievementId] = await Promise.all([demoToken(testApp), firstAchievementId(app)]);
  t.comment(`browser and app ready in ${Date.now() - launched} ms`);

  /** Issues a foundation-course credential to `recipient` and reads back its code and signed JSON. */
  async function issueCredential(recipient: string, extra: Record<string, unknown> = {}): Promise<Issued> {
    const response = await issue(app, token, { achievementId, recipient: { name: recipient }, ...extra });
    if (response.statusCode !== 201) throw new Error(`issuance failed: ${response.statusCode} ${response.body}`);
    const { id, url } = response.json() as { id: string; url: string };
    const [details, document] = await Promise.all([
      app.inject({ method: 'GET', url: `/api/v1/credentials/${id}`, headers: { authorization: `Bearer ${token}` } }),
      app.inject({ method: 'GET', url: `/credentials/${id}?format=json` }),
    ]);
    return { id, url, shortCode: details.json().shortCode, recipient, json: document.body };
  }

  /**
   * Opens a path of the listening app in a fresh context; its page is closed when `t` ends. Not the context:
   * under `@sparticuz/chromium`'s --single-process, closing a context takes the browser down with it.
   */
  async function open(t: Test, path: string, options: OpenOptions) {
    const opened = await openPage(browser, `${base}${path}`, options);
    t.teardown(() => opened.page.close());
    return opened;
  }

  return { browser, testApp, app, base, token, achievementId, issueCredential, open, publicBaseUrl: app.ctx.config.publicBaseUrl };
}

/** The verdict heading's text. */
export const verdictOf = (page: Page) => page.locator('h1#verdict').textContent().then((text) => text?.trim());

/** Evaluates a string expression in the page until it is truthy (Node-side polling: works without page JavaScript). */
export async function waitInPage(page: Page, expression: string, timeoutMs = 5_000): Promise<unknown> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(expression);
    if (value || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A path on the listening origin for an absolute link the page renders from publicBaseUrl. */
export const onOrigin = (href: string, base: string) => {
  const url = new URL(href);
  return new URL(`${url.pathname}${url.search}`, base).toString();
};
