import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import axe from 'axe-core';
import { chromium as playwright, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import type { App } from '../../src/app.js';

// Real-browser tests of the server-rendered pages: the Chromium inside `@sparticuz/chromium` driven by
// `playwright-core`, with our own fonts (Noto Sans, Noto Sans Arabic, Noto Sans SC from npm), no network, and
// the checks a page test needs: problems (console errors, page errors, failed or blocked requests), axe-core,
// page weight and screenshots.
//
//   const browser = await launchBrowser();                       // once per test file
//   t.teardown(() => browser.close());
//   const { app } = await build(t);
//   const base = await listenApp(app);                           // http://127.0.0.1:<port>
//   const { page, problems, weight } = await openPage(browser, `${base}/v/EG-…`, { javaScript: false, locale: 'ar' });
//   t.match(await page.locator('h1').textContent(), /…/);
//   t.same(problems, [], 'no console errors, page errors, failed or external requests');
//   t.same(await axeViolations(page), [], 'no serious or critical accessibility violations');
//   t.ok((await weight()).total < 60_000, 'under 60 kB');
//   await saveScreenshot(page, 'credential-ar');                 // test-artifacts/credential-ar.png, for a look
//
// The tsconfig has no DOM library: evaluate in the page with a string expression, or use locators
// (`textContent`, `getAttribute`, `boundingBox`, `screenshot`), rather than functions that name `document`.
//
// publicBaseUrl: `build(t)` fixes it at http://localhost:3000 (BASE_URL), while `listenApp` listens on
// 127.0.0.1 on a free port. Page tests navigate by path on the listening origin; absolute links the pages
// render from publicBaseUrl (credential links, QR codes, did:web ids) keep naming localhost:3000 and are
// assertions, not places to go (follow one with `new URL(new URL(href).pathname, base)`). A page's own assets
// must be linked by path: `openPage` blocks and reports anything outside the origin it opened, localhost:3000
// included. Nothing in the app compares a request's Host or Origin with publicBaseUrl today; a page that does
// (an Origin check on form posts) will need `build(t, { PUBLIC_BASE_URL: origin })` with a port chosen before
// the build and `app.listen({ host: '127.0.0.1', port })`.

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where `saveScreenshot` writes: <repo>/test-artifacts (git-ignored). */
export const ARTIFACTS_DIR = join(repoRoot, 'test-artifacts');

/** The font folders Chromium sees, and nothing else: the regular and bold weights of the three families. */
const FONT_DIRS = ['noto-sans', 'noto-sans-arabic', 'noto-sans-sc'].flatMap((name) => {
  const root = dirname(require.resolve(`@expo-google-fonts/${name}/package.json`));
  return [join(root, '400Regular'), join(root, '700Bold')];
});

const xml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * A fontconfig file naming only our fonts, with the generic families mapped to Noto Sans (Arabic and SC as
 * fallbacks). It and its cache live in a temp folder named after the font folders, so the cache built by the
 * first launch serves every later one (and parallel test files write the same bytes).
 */
async function fontConfigFile(): Promise<string> {
  const dir = join(tmpdir(), `iioe-browser-fonts-${createHash('sha256').update(FONT_DIRS.join('\n')).digest('hex').slice(0, 12)}`);
  const file = join(dir, 'fonts.conf');
  const families = ['Noto Sans', 'Noto Sans Arabic', 'Noto Sans SC'].map((family) => `<family>${family}</family>`).join('');
  const content = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    ...FONT_DIRS.map((fontDir) => `  <dir>${xml(fontDir)}</dir>`),
    `  <cachedir>${xml(join(dir, 'cache'))}</cachedir>`,
    ...['sans-serif', 'serif', 'monospace'].map((generic) => `  <alias binding="same"><family>${generic}</family><prefer>${families}</prefer></alias>`),
    '</fontconfig>',
    '',
  ].join('\n');
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, file);
  return file;
}

/**
 * The Chromium binary. `@sparticuz/chromium` extracts it to <tmpdir>/chromium on first use, not atomically, and
 * returns that path as soon as it exists: a lock folder keeps parallel test files from launching a half-written
 * binary. (A run killed during the extraction, ≈ 1 s, can leave a broken binary: delete <tmpdir>/chromium.)
 */
async function chromiumPath(): Promise<string> {
  const lock = join(tmpdir(), 'iioe-chromium-extract.lock');
  for (const started = Date.now(); ; ) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > 60_000) await rm(lock, { recursive: true, force: true });
      else if (Date.now() - started > 120_000) throw new Error(`waited 2 minutes for ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await chromium.executablePath();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Launches headless Chromium, once per test file (close it in `t.teardown`). It renders with our fonts only
 * (`FONTCONFIG_FILE`), resolves no host name but localhost (`--host-resolver-rules`), uses no proxy, and keeps
 * the same-origin policy: of `@sparticuz/chromium`'s serverless flags, those that weaken web security are left
 * out, and so is its `--headless='shell'` (Playwright passes its own).
 */
export async function launchBrowser(): Promise<Browser> {
  const [executablePath, fontConfig] = await Promise.all([chromiumPath(), fontConfigFile()]);
  const args = chromium.args.filter((arg) => !/^--(disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|headless)\b/.test(arg));
  return playwright.launch({
    executablePath,
    headless: true,
    args: [...args, '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1', '--no-proxy-server'],
    env: { ...process.env, FONTCONFIG_FILE: fontConfig },
  });
}

/** Listens the app on 127.0.0.1 on a free port (closed by `build`'s teardown) and returns its origin. */
export async function listenApp(app: App): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Something a page did that a page must not do. */
export interface Problem {
  kind: 'console' | 'pageerror' | 'blocked' | 'requestfailed' | 'http';
  text: string;
}

export interface Weight {
  /** bytes of the main document's body */
  document: number;
  /** bytes of every response body the page received: the document and its subresources */
  total: number;
  resources: { url: string; type: string; status: number; bytes: number }[];
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** the main document's response */
  response: Response;
  /** filled as they happen, from before the navigation on: usually asserted `t.same(problems, [])` */
  problems: Problem[];
  /** the bytes received so far (bodies as served; the app does not compress) */
  weight: () => Promise<Weight>;
}

export interface OpenOptions {
  /** false: the page as a browser without JavaScript sees it (our pages must work so) */
  javaScript: boolean;
  /** navigator.language and Accept-Language, e.g. 'ar' or 'zh-CN' */
  locale?: string;
  /** default 1280×720; e.g. { width: 360, height: 740 } for a phone */
  viewport?: { width: number; height: number };
}

/**
 * Opens `url` in a fresh context and waits for its load event. Requests outside `url`'s origin never leave the
 * browser: they are aborted and reported as `blocked`. Also reported: console errors (except Chromium's
 * "Failed to load resource", reported as the request itself), uncaught page errors, failed requests, and
 * responses ≥ 400 to subresources (the main document's status is the test's to check, on `response`).
 * The context closes with the browser. Close pages with `page.close()`, never the context: the packaged Chromium
 * runs as a single process (`--single-process`), and closing a context takes the whole browser down.
 */
export async function openPage(browser: Browser, url: string, { javaScript, locale, viewport }: OpenOptions): Promise<OpenedPage> {
  const origin = new URL(url).origin;
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin)) throw new Error(`openPage: ${url} is not on this machine`);
  const context = await browser.newContext({ javaScriptEnabled: javaScript, serviceWorkers: 'block', ...(locale ? { locale } : {}), ...(viewport ? { viewport } : {}) });
  const problems: Problem[] = [];
  const outside = (target: URL) => target.origin !== origin && /^(https?|wss?):$/.test(target.protocol);
  await context.route(outside, (route) => {
    problems.push({ kind: 'blocked', text: `${route.request().method()} ${route.request().url()}` });
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(outside, (socket) => {
    problems.push({ kind: 'blocked', text: `WebSocket ${socket.url()}` });
    return socket.close();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push({ kind: 'console', text: message.text() });
  });
  page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: error.message }));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    if (!failure.includes('ERR_BLOCKED_BY_CLIENT')) problems.push({ kind: 'requestfailed', text: `${request.method()} ${request.url()}: ${failure}` });
  });
  const received: Promise<Weight['resources'][number] | null>[] = [];
  page.on('response', (answer) => {
    const request = answer.request();
    if (answer.status() >= 400 && !(request.isNavigationRequest() && request.frame() === page.mainFrame())) {
      problems.push({ kind: 'http', text: `${request.method()} ${answer.url()}: ${answer.status()}` });
    }
  });
  page.on('requestfinished', (request) => {
    const resource = async () => {
      const answer = await request.response();
      return answer && { url: answer.url(), type: request.resourceType(), status: answer.status(), bytes: (await answer.body()).length };
    };
    received.push(resource().catch(() => null));
  });
  const response = await page.goto(url);
  if (!response) throw new Error(`openPage: no response for ${url}`);
  const weight = async (): Promise<Weight> => {
    const resources = (await Promise.all(received)).filter((resource) => resource !== null);
    const document = (await response.body()).length;
    return { document, total: resources.reduce((sum, resource) => sum + resource.bytes, 0), resources };
  };
  return { page, context, response, problems, weight };
}

export interface Violation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending elements */
  targets: string[];
}

/**
 * Runs axe-core (its default rules: WCAG 2.x A/AA and best practices) on the page as it is now and returns the
 * violations at the given impacts, compact enough for `t.same(violations, [])` to read well.
 *
 * With JavaScript disabled, a script tag added to the page never runs, but `page.evaluate` does (DevTools
 * evaluation is not page script); only callbacks are refused: timers, `queueMicrotask`, observers, messages.
 * Promise reactions still run. So axe is evaluated together with stand-ins for `setTimeout`/`clearTimeout`/
 * `queueMicrotask` that run on promise reactions (restored afterwards), and the whole run finishes inside the
 * evaluation. Timeouts over a second never fire (axe uses them only to give up on frames and asset preloading,
 * both switched off here). The page is the real one, with its styles, so colour contrast is measured as
 * rendered; the same path runs on pages with JavaScript. axe always treats <noscript> as hidden, so content
 * inside one is not checked, even on a page without JavaScript.
 */
export async function axeViolations(page: Page, { impacts = ['serious', 'critical'] }: { impacts?: string[] } = {}): Promise<Violation[]> {
  const expression = `(() => {
    const w = window;
    const saved = { setTimeout: w.setTimeout, clearTimeout: w.clearTimeout, queueMicrotask: w.queueMicrotask };
    const cancelled = new Set();
    let nextId = 1;
    w.setTimeout = (callback, delay, ...args) => {
      const id = nextId++;
      if (!(delay > 1000)) Promise.resolve().then(() => { if (!cancelled.has(id)) callback(...args); });
      return id;
    };
    w.clearTimeout = (id) => { cancelled.add(id); };
    w.queueMicrotask = (callback) => { Promise.resolve().then(callback); };
    const restore = () => Object.assign(w, saved);
    try {
      ${axe.source}
      return w.axe
        .run(w.document, { resultTypes: ['violations'], iframes: false, preload: false })
        .then((results) => results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((node) => node.target.join(' ')) })))
        .finally(restore);
    } catch (error) {
      restore();
      throw error;
    }
  })()`;
  const violations = (await page.evaluate(expression)) as Violation[];
  return violations.filter((violation) => impacts.includes(violation.impact));
}

/** Saves a full-page PNG to test-artifacts/<name>.png (for a human to look at) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`saveScreenshot: "${name}" is not a plain file name`);
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface VirtualAuthenticator {
  id: string;
  /** the passkeys it holds (DevTools' view: credentialId, rpId, signCount…) */
  credentials: () => Promise<{ credentialId: string; rpId?: string; signCount: number }[]>;
  remove: () => Promise<void>;
}

/**
 * Gives the page's browser a virtual platform authenticator (CTAP2, internal, resident keys, user verification
 * that always succeeds) through the DevTools protocol, so WebAuthn ceremonies complete without a person.
 * WebAuthn needs a secure context and a domain: open the page on http://localhost:<port>, not 127.0.0.1.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const session = await page.context().newCDPSession(page);
  await session.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return {
    id: authenticatorId,
    credentials: async () => (await session.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    remove: () => session.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }).then(() => undefined),
  };
}
