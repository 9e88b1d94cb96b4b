import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../lib/i18n.js';
import type { AppContext } from '../../plugins/context.js';
import { pageLanguage } from '../../web/language.js';
import type { ConsoleViewer } from '../../web/console/layout.js';
import type { StaffPermission } from '../staff/roles.js';
import { organisationName } from '../staff/service.js';
import { type ConsoleSession, resumeSession, SESSION_ABSOLUTE_MS } from '../staff/sessions.js';

/** Who may reach a console route: anyone (sign-in pages, assets), any signed-in staff member, or one with a permission. */
export type ConsoleAccess = 'public' | 'signed-in' | StaffPermission;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** console routes: who may reach it (default: signed-in) */
    access?: ConsoleAccess;
    /** a multipart form (an upload): its CSRF field arrives with the file, so the route checks it (assertCsrf) */
    multipartForm?: boolean;
  }
  interface FastifyRequest {
    /** the console session of the request's cookie, once the console's hook read it (null: none or ended) */
    consoleSession?: ConsoleSession | null;
    /** the session cookie's raw token (the CSRF token derives from it) */
    consoleToken?: string;
  }
}

/** `__Host-` binds the cookie to this origin over https (no Domain, Path=/, Secure); plain http cannot use it. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-iioe-console' : 'iioe-console');
export const isSecureOrigin = (publicBaseUrl: string) => publicBaseUrl.startsWith('https:');

export function setSessionCookie(reply: FastifyReply, { token, publicBaseUrl }: { token: string; publicBaseUrl: string }) {
  const secure = isSecureOrigin(publicBaseUrl);
  reply.setCookie(sessionCookieName(secure), token, { path: '/', httpOnly: true, secure, sameSite: 'lax', maxAge: SESSION_ABSOLUTE_MS / 1000 });
}

export function clearSessionCookie(reply: FastifyReply, publicBaseUrl: string) {
  const secure = isSecureOrigin(publicBaseUrl);
  reply.clearCookie(sessionCookieName(secure), { path: '/', httpOnly: true, secure, sameSite: 'lax' });
}

/**
 * The CSRF token of a session: an HMAC of the session cookie's secret token. A page of the session embeds it in its
 * forms; another site can neither read the cookie nor the page, so it cannot forge a form that carries it.
 */
export const csrfTokenFor = (sessionToken: string) => createHmac('sha256', sessionToken).update('iioe-console-csrf').digest('base64url');

/** The CSRF check of a form the route read itself (multipart): a forged one is refused like any other. */
export function assertCsrf(request: FastifyRequest, presented: unknown): void {
  if (!request.consoleToken || !csrfTokenMatches(request.consoleToken, presented)) throw new ForgedForm();
}

/** A form whose CSRF token is missing or wrong (the console's error handler answers it as the preHandler does). */
export class ForgedForm extends Error {}

export function csrfTokenMatches(sessionToken: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Reads the request's session cookie into request.consoleSession (once per request). */
export async function readConsoleSession(ctx: AppContext, request: FastifyRequest): Promise<ConsoleSession | null> {
  if (request.consoleSession !== undefined) return request.consoleSession;
  const token = request.cookies[sessionCookieName(isSecureOrigin(ctx.config.publicBaseUrl))];
  request.consoleSession = token ? await resumeSession({ ctx, token, requestId: String(request.id) }) : null;
  if (request.consoleSession && token) request.consoleToken = token;
  return request.consoleSession;
}

/** The page language (the switcher, the cookie, the browser), as on the public pages. */
export const consoleLanguage = (request: FastifyRequest, reply: FastifyReply): Language => pageLanguage(request, reply);

/** The viewer the console's pages draw from the session: name, role, organisation, permissions and CSRF token. */
export async function viewerOf(ctx: AppContext, request: FastifyRequest, language: Language): Promise<ConsoleViewer> {
  const { staff, principal } = request.consoleSession!;
  return {
    name: staff.displayName,
    role: staff.role,
    organisation: await organisationName(ctx, staff, language),
    permissions: principal.scopes,
    csrfToken: csrfTokenFor(request.consoleToken!),
  };
}
