import type { App } from '../../src/app.js';
import type { StaffRole } from '../../src/db/schema/index.js';
import { inviteStaff } from '../../src/modules/staff/service.js';

// The console over app.inject, as a browser without JavaScript uses it: a session cookie, forms with their CSRF
// field, redirects read from Location.

export const OPERATOR = { kind: 'cli', clientUuid: null, staffId: null, requestId: 'test' } as const;

/** The `name=value` of the console's session cookie in a response, if it sets one. */
export function sessionCookieOf(response: { headers: Record<string, unknown> }): string | undefined {
  const header = [response.headers['set-cookie'] ?? []].flat() as string[];
  const cookie = header.find((line) => /^(__Host-)?iioe-console=[^;]+/.test(line));
  return cookie?.split(';')[0];
}

/** Invites a staff member as the CLI does and returns the link's path. */
export async function invitationPath(app: App, { email, role, centre = 'egypt-demo', name = email }: { email: string; role: StaffRole; centre?: string | null; name?: string }) {
  const { link, staff } = await inviteStaff({ ctx: app.ctx, actor: OPERATOR, input: { email, displayName: name, role, centre: role === 'admin' ? null : centre, language: 'en' } });
  return { path: new URL(link).pathname, staffId: staff.id };
}

/** Invites and accepts: a signed-in staff member's cookie and id. */
export async function joinAs(app: App, input: Parameters<typeof invitationPath>[1]) {
  const { path, staffId } = await invitationPath(app, input);
  const accepted = await app.inject({ method: 'POST', url: path });
  const cookie = sessionCookieOf(accepted);
  if (accepted.statusCode !== 303 || !cookie) throw new Error(`accepting the invitation: ${accepted.statusCode} ${accepted.body}`);
  return { cookie, staffId };
}

/** The CSRF token a console page of this session carries. */
export async function csrfTokenOf(app: App, cookie: string): Promise<string> {
  const page = await app.inject({ method: 'GET', url: '/console/account', headers: { cookie } });
  const token = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error(`no CSRF token on the account page (${page.statusCode})`);
  return token;
}

/** Posts a console form with the session's CSRF field, as the page's own form would. */
export async function postForm(app: App, cookie: string, url: string, fields: Record<string, string> = {}, { csrf }: { csrf?: string } = {}) {
  const token = csrf ?? (await csrfTokenOf(app, cookie));
  return app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: token, ...fields }).toString() });
}
