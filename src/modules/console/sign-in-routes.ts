import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderLinkExpiredPage, renderLinkLandingPage, renderLinkSentPage, renderSignInPage } from '../../web/console/sign-in-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import type { Mailer } from '../delivery/mailer.js';
import { signInWithPasskey, passkeySignInOptions } from '../staff/passkeys.js';
import { acceptInvitation, organisationName, peekLink, relyingParty, requestSignInLink, signInWithLink } from '../staff/service.js';
import { endSession } from '../staff/sessions.js';
import { clearSessionCookie, consoleLanguage, readConsoleSession, setSessionCookie } from './access.js';
import { sendPage } from './pages.js';


const tokenParams = z.object({ token: z.string().min(1).max(100) });
const pageQuery = z.object({
  lang: z.string().max(100).optional(),
  remember: z.string().max(100).optional(),
  next: z.string().max(500).optional(),
  ended: z.string().max(10).optional(),
  signedOut: z.string().max(10).optional(),
});
/** The browser's answer of a WebAuthn ceremony, checked in depth by @simplewebauthn/server. */
export const ceremonyBody = z.object({ challengeId: z.uuid(), response: z.record(z.string(), z.unknown()), name: z.string().max(200).optional() });

/** Where to go after sign-in: a console path only (never another site, never `//host`). */
export const safeNext = (next: string | undefined) => (next && /^\/console(\/[\w\-/%.]*)?$/.test(next) ? next : '/console');

/** Sign-in, e-mailed links, invitations and sign-out: the console's public door. */
const signInRoutes: FastifyPluginAsyncZod<{ mailer: Mailer }> = async (app, { mailer }) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;
  // sign-in attempts per client address and minute, per route: enough for a person, not for guessing
  const SIGN_IN_RATE = { max: ctx.config.rateLimits.signIn, timeWindow: 60_000 };
  const passkeys = relyingParty(ctx.config.publicBaseUrl) !== null;

  /** Begins a session: the browser's previous one (if any) ends, and a new token is set; never one the browser chose. */
  async function beginSession(request: FastifyRequest, reply: FastifyReply, started: { token: string } | null) {
    if (!started) return false;
    const previous = await readConsoleSession(ctx, request);
    if (previous) await endSession({ ctx, session: previous.session });
    setSessionCookie(reply, { token: started.token, publicBaseUrl: ctx.config.publicBaseUrl });
    return true;
  }

  app.get('/console/sign-in', { config: { access: 'public' }, schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    if (await readConsoleSession(ctx, request)) return reply.redirect(`${safeNext(request.query.next)}?lang=${language}`, 303);
    const text = consoleMessages(language).signIn;
    const message = request.query.signedOut ? text.signedOut : request.query.ended ? text.sessionEnded : undefined;
    return sendPage(reply, renderSignInPage({ language, platformName, passkeys, message, next: safeNext(request.query.next) }));
  });

  app.post(
    '/console/sign-in/email',
    { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { hide: true, querystring: pageQuery, body: z.object({ email: z.string().max(1000).optional() }) } },
    async (request, reply) => {
      const language = consoleLanguage(request, reply);
      const email = (request.body.email ?? '').trim();
      if (!z.email().max(254).safeParse(email).success) {
        return sendPage(reply, renderSignInPage({ language, platformName, passkeys, email, emailError: consoleMessages(language).signIn.emailInvalid, next: '/console' }), 422);
      }
      await requestSignInLink({ ctx, mailer, email, language });
      return sendPage(reply, renderLinkSentPage({ language, platformName, email }));
    },
  );

  // Links: the GET shows what the link does; only the button's POST uses it.
  for (const kind of ['sign-in', 'invitation'] as const) {
    const path = kind === 'sign-in' ? '/console/sign-in/link/:token' : '/console/invitations/:token';
    const purpose = kind;
    app.get(path, { config: { access: 'public' }, schema: { hide: true, params: tokenParams, querystring: pageQuery } }, async (request, reply) => {
      const language = consoleLanguage(request, reply);
      const staff = await peekLink({ ctx, token: request.params.token, purpose });
      if (!staff || (kind === 'sign-in' && staff.state !== 'active')) return sendPage(reply, renderLinkExpiredPage({ language, platformName, kind }), 410);
      const text = consoleMessages(language);
      return sendPage(
        reply,
        renderLinkLandingPage({ language, platformName, kind, action: request.url.split('?')[0]!, staffName: staff.displayName, organisation: await organisationName(ctx, staff, language), role: text.roles[staff.role] }),
      );
    });
    app.post(path, { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { hide: true, params: tokenParams, querystring: pageQuery } }, async (request, reply) => {
      const language = consoleLanguage(request, reply);
      const userAgent = request.headers['user-agent'];
      const started =
        kind === 'sign-in'
          ? await signInWithLink({ ctx, token: request.params.token, userAgent })
          : await acceptInvitation({ ctx, token: request.params.token, userAgent, requestId: String(request.id) });
      if (!(await beginSession(request, reply, started))) return sendPage(reply, renderLinkExpiredPage({ language, platformName, kind }), 410);
      // a new member is shown their account first, to add a passkey
      return reply.redirect(kind === 'invitation' ? `/console/account?lang=${language}&welcome=1` : `/console?lang=${language}`, 303);
    });
  }

  app.post('/console/passkeys/sign-in/options', { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { hide: true } }, async () => passkeySignInOptions({ ctx }));

  app.post('/console/passkeys/sign-in', { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { hide: true, body: ceremonyBody } }, async (request, reply) => {
    const started = await signInWithPasskey({ ctx, challengeId: request.body.challengeId, response: request.body.response as unknown as AuthenticationResponseJSON, userAgent: request.headers['user-agent'] });
    await beginSession(request, reply, started);
    return { redirect: '/console' };
  });

  app.post('/console/sign-out', { config: { access: 'signed-in' }, schema: { hide: true } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    await endSession({ ctx, session: request.consoleSession!.session });
    clearSessionCookie(reply, ctx.config.publicBaseUrl);
    return reply.redirect(`/console/sign-in?lang=${language}&signedOut=1`, 303);
  });
};

export default signInRoutes;
