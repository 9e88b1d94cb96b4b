import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HttpProblem } from '../../lib/problem.js';
import { CONSOLE_SCRIPT } from '../../web/console/script.js';
import { createMailer } from '../delivery/mailer.js';
import { type ConsoleAccess, clearSessionCookie, consoleLanguage, csrfTokenMatches, ForgedForm, readConsoleSession } from './access.js';
import accountRoutes from './account-routes.js';
import adminRoutes from './admin-routes.js';
import correctionRoutes from './correction-routes.js';
import credentialRoutes from './credential-routes.js';
import issueRoutes from './issue-routes.js';
import cohortRoutes from './cohort-routes.js';
import confirmRoutes from './confirm-routes.js';
import settingsRoutes from './settings-routes.js';
import dashboardRoutes from './dashboard-routes.js';
import { sendConsoleError } from './pages.js';
import signInRoutes from './sign-in-routes.js';

const require = createRequire(import.meta.url);

// The console's pages run the console script and the WebAuthn bundle from this origin, and nothing else: no inline
// script, no other origin, never inside a frame.
const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "script-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_MAX_AGE = 'public, max-age=3600';

/**
 * The staff console under /console: server-rendered pages over the same services as the API. Every response is
 * private and uncached, framed by nobody; every route is for signed-in staff unless it says `access: 'public'`, and
 * every state-changing request of a session carries its CSRF token (a form field or, from the script, a header);
 * cross-site posts are refused outright.
 */
const consoleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  // Sign-in links, invitations and confirmations are e-mailed at once (their tokens never rest in a job table).
  const mailer = createMailer({ mail: ctx.config.mail, log: app.log });
  app.addHook('onClose', async () => mailer.close());

  // Failures are pages for browsers and problem+json for the console script (which asks for JSON).
  app.addHook('onRoute', (route) => {
    route.config = { page: 'negotiated', ...route.config };
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply
      .header('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY)
      .header('Cache-Control', 'no-store')
      .header('X-Frame-Options', 'DENY')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Robots-Tag', 'noindex, nofollow');
  });

  app.addHook('preHandler', async (request, reply) => {
    const access: ConsoleAccess = request.routeOptions.config.access ?? 'signed-in';
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    // A browser says where a request comes from; one from another site never reaches a console action.
    if (changes && request.headers['sec-fetch-site'] === 'cross-site') return sendConsoleError(request, reply, { status: 403, kind: 'csrf' });
    if (access === 'public') return;
    const session = await readConsoleSession(ctx, request);
    if (!session) return redirectToSignIn(request, reply);
    if (changes && !(request.routeOptions.config.multipartForm && request.isMultipart())) {
      const presented = (request.body as Record<string, unknown> | undefined)?._csrf ?? request.headers['x-csrf-token'];
      if (!csrfTokenMatches(request.consoleToken!, presented)) return sendConsoleError(request, reply, { status: 403, kind: 'csrf' });
    }
    if (access !== 'signed-in' && !session.principal.scopes.has(access)) return sendConsoleError(request, reply, { status: 403, kind: 'forbidden' });
  });

  function redirectToSignIn(request: FastifyRequest, reply: FastifyReply) {
    const hadCookie = Object.keys(request.cookies).some((name) => name.endsWith('iioe-console'));
    if (hadCookie) clearSessionCookie(reply, ctx.config.publicBaseUrl);
    const language = consoleLanguage(request, reply);
    const next = request.method === 'GET' ? `&next=${encodeURIComponent(request.url.split('?')[0] ?? '/console')}` : '';
    return reply.redirect(`/console/sign-in?lang=${language}${hadCookie ? '&ended=1' : ''}${next}`, 303);
  }

  // Problems a console route raises are console pages; the script's JSON requests and 5xx go to the service's handler.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ForgedForm) return sendConsoleError(request, reply, { status: 403, kind: 'csrf' });
    // A form the schema refuses never reached the CSRF check: one without its session's token is a forgery, told
    // as such; any other is a form this console did not make (the API's 400 stays for the script's JSON).
    if (error.validation && !wantsJson(request)) return refusedForm(request, reply);
    if (error instanceof HttpProblem && error.status < 500 && !wantsJson(request)) return sendConsoleError(request, reply, { status: error.status, problem: error });
    throw error;
  });

  async function refusedForm(request: FastifyRequest, reply: FastifyReply) {
    const session = await readConsoleSession(ctx, request);
    const presented = (request.body as Record<string, unknown> | undefined)?._csrf ?? request.headers['x-csrf-token'];
    const forged = request.method !== 'GET' && (!session || !request.consoleToken || !csrfTokenMatches(request.consoleToken, presented));
    return sendConsoleError(request, reply, forged ? { status: 403, kind: 'csrf' } : { status: 400, kind: 'bad-form' });
  }

  const webauthnBundle = await readFile(require.resolve('@simplewebauthn/browser').replace(/script[/\\]index\.js$/, 'dist/bundle/index.umd.min.js'), 'utf8');
  app.get('/console/assets/webauthn.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', ASSET_MAX_AGE).send(webauthnBundle),
  );
  app.get('/console/assets/console.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', ASSET_MAX_AGE).send(CONSOLE_SCRIPT),
  );

  await app.register(signInRoutes, { mailer });
  await app.register(accountRoutes, { mailer });
  await app.register(dashboardRoutes);
  await app.register(credentialRoutes);
  await app.register(issueRoutes);
  await app.register(cohortRoutes);
  await app.register(confirmRoutes, { mailer });
  await app.register(settingsRoutes, { mailer });
  await app.register(adminRoutes, { mailer });
  await app.register(correctionRoutes);
};

/** The console script's requests ask for JSON; pages and forms get HTML. */
export const wantsJson = (request: FastifyRequest) => request.headers['content-type']?.startsWith('application/json') === true || request.accepts().type(['text/html', 'application/json']) === 'application/json';

export default consoleRoutes;
