import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderConfirmLinkPage, renderConfirmPage } from '../../web/console/settings-pages.js';
import type { Mailer } from '../delivery/mailer.js';
import { confirmWithPasskey, listPasskeys, passkeyConfirmationOptions } from '../staff/passkeys.js';
import { confirmWithLink, peekLink, relyingParty, requestConfirmationLink } from '../staff/service.js';
import { isFreshlyConfirmed, markConfirmed } from '../staff/sessions.js';
import { consoleLanguage } from './access.js';
import { pageContext, sendPage } from './pages.js';
import { ceremonyBody } from './sign-in-routes.js';

/** A console path to go back to after confirming; anything else (another site, a protocol-relative URL) is the dashboard. */
const safeNext = (next: string | undefined) => (next && /^\/console(\/[\w\-./]*)?(\?[\w\-.=&%]*)?$/.test(next) && !next.includes('//') ? next : '/console');

/**
 * Before a sensitive action (keys, client secrets, staff): unless the session proved presence in the last five
 * minutes, sends the staff member to confirm it and answers true (the route stops there).
 */
export async function askedToConfirm(request: FastifyRequest, reply: FastifyReply, next: string): Promise<boolean> {
  const { session } = request.consoleSession!;
  if (isFreshlyConfirmed({ ctx: request.server.ctx, session })) return false;
  await reply.redirect(`/console/confirm?lang=${consoleLanguage(request, reply)}&next=${encodeURIComponent(next)}`, 303);
  return true;
}

const confirmQuery = z.object({ lang: z.string().max(100).optional(), remember: z.string().max(100).optional(), next: z.string().max(500).optional(), sent: z.string().max(10).optional() });
const tokenParams = z.object({ token: z.string().min(20).max(100) });

/** Confirming presence: with a passkey (the script) or an e-mailed link that confirms this browser's session only. */
const confirmRoutes: FastifyPluginAsyncZod<{ mailer: Mailer }> = async (app, { mailer }) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;

  app.get('/console/confirm', { schema: { hide: true, querystring: confirmQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { staff } = request.consoleSession!;
    const passkeys = relyingParty(ctx.config.publicBaseUrl) === null ? 'host-without' : (await listPasskeys({ ctx, staffId: staff.id })).length > 0 ? 'usable' : 'none-yet';
    return sendPage(reply, renderConfirmPage({ language, platformName, viewer: viewer!, next: safeNext(request.query.next), passkeys, sent: request.query.sent === '1' }));
  });

  app.post('/console/confirm/email', { schema: { hide: true, body: z.object({ _csrf: z.string(), next: z.string().max(500).optional() }) } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    const { staff, session } = request.consoleSession!;
    await requestConfirmationLink({ ctx, mailer, staff, sessionId: session.id, language });
    return reply.redirect(`/console/confirm?lang=${language}&sent=1&next=${encodeURIComponent(safeNext(request.body.next))}`, 303);
  });

  app.get('/console/confirm/:token', { schema: { hide: true, params: tokenParams, querystring: confirmQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const usable = await peekLink({ ctx, token: request.params.token, purpose: 'confirmation' });
    return sendPage(reply, renderConfirmLinkPage({ language, platformName, viewer: viewer!, token: request.params.token, invalid: !usable }), usable ? 200 : 410);
  });

  app.post('/console/confirm/:token', { schema: { hide: true, params: tokenParams, querystring: confirmQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { session } = request.consoleSession!;
    if (!(await confirmWithLink({ ctx, token: request.params.token, sessionId: session.id }))) {
      return sendPage(reply, renderConfirmLinkPage({ language, platformName, viewer: viewer!, token: request.params.token, invalid: true }), 410);
    }
    await markConfirmed({ ctx, session });
    // a platform admin has no centre settings: their sensitive actions live under /console/admin
    const home = request.consoleSession!.staff.role === 'admin' ? '/console/admin' : '/console/settings';
    return reply.redirect(`${home}?lang=${language}&confirmed=1`, 303);
  });

  app.post('/console/passkeys/confirm/options', { schema: { hide: true } }, async (request) => {
    const { staff, session } = request.consoleSession!;
    return passkeyConfirmationOptions({ ctx, staff, sessionId: session.id });
  });

  app.post('/console/passkeys/confirm', { schema: { hide: true, body: ceremonyBody } }, async (request) => {
    const { staff, session } = request.consoleSession!;
    await confirmWithPasskey({ ctx, staff, sessionId: session.id, challengeId: request.body.challengeId, response: request.body.response as unknown as AuthenticationResponseJSON });
    return { redirect: '/console/settings?confirmed=1' };
  });
};

export default confirmRoutes;
