import { inviteStaff } from '../src/modules/staff/service.js';
import type { App } from '../src/app.js';

// The staff console's pages as a signed-in manager's browser asks for them: rendered on the server for each view
// (no page cache: every console response is no-store), with the centre's data behind them.

const CONSOLE_PAGES = ['/console', '/console/issue', '/console/credentials', '/console/cohorts', '/console/settings', '/console/account'] as const;
const LANGUAGES = ['en', 'fr', 'ar', 'zh'] as const;

/** A manager of the demo centre signed in (by their invitation link, as in the browser), and the pages to measure. */
export async function consolePaths(app: App, credentialId: string) {
  const operator = { kind: 'cli', clientUuid: null, staffId: null, requestId: 'bench' } as const;
  const { link } = await inviteStaff({ ctx: app.ctx, actor: operator, input: { email: 'bench.manager@example.org', displayName: 'Bench Manager', role: 'manager', centre: 'egypt-demo', language: 'en' } });
  const accepted = await app.inject({ method: 'POST', url: new URL(link).pathname });
  const cookie = String([accepted.headers['set-cookie']].flat().find((line) => String(line).startsWith('iioe-console='))).split(';')[0]!;
  const pages = [...CONSOLE_PAGES, `/console/credentials/${credentialId}`];
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
    if (response.statusCode !== 200) throw new Error(`console page ${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    return response;
  };
  const paths = pages.map((url, index) => ({ name: `(${String.fromCharCode(97 + index)}) GET ${url.replace(credentialId, ':id')}`, run: () => get(url) }));
  /** Each page's size in each language (bytes of HTML with its inline styles; the console's two scripts are cached files). */
  const sizes = async () => {
    const rows: string[] = [];
    for (const url of pages) {
      const bytes = await Promise.all(LANGUAGES.map(async (language) => Buffer.byteLength((await get(`${url}?lang=${language}`)).body)));
      rows.push(`${url.replace(credentialId, ':id').padEnd(30)} ${bytes.map((size, index) => `${LANGUAGES[index]} ${size}`).join('  ')}`);
    }
    return rows;
  };
  return { paths, sizes };
}
