import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderAccountPage } from '../../web/console/account-page.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import type { Mailer } from '../delivery/mailer.js';
import { listPasskeys, passkeyRegistrationOptions, registerPasskey, removePasskey } from '../staff/passkeys.js';
import { endAllSessions, relyingParty } from '../staff/service.js';
import { openSessions } from '../staff/sessions.js';
import { clearSessionCookie, consoleLanguage } from './access.js';
import { pageContext, sendPage } from './pages.js';
import { ceremonyBody } from './sign-in-routes.js';

const accountQuery = z.object({ lang: z.string().max(100).optional(), remember: z.string().max(100).optional(), added: z.string().max(10).optional(), removed: z.string().max(10).optional(), welcome: z.string().max(10).optional() });

/** The signed-in staff member's own account: passkeys and sessions. */
const accountRoutes: FastifyPluginAsyncZod<{ mailer: Mailer }> = async (app) => {
  const { ctx } = app;

  app.get('/console/account', { schema: { hide: true, querystring: accountQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { staff } = request.consoleSession!;
    const words = consoleMessages(language).account;
    const message = request.query.added ? words.passkeyAdded : request.query.removed ? words.passkeyRemoved : undefined;
    const [passkeys, sessions] = await Promise.all([listPasskeys({ ctx, staffId: staff.id }), openSessions({ ctx, staffId: staff.id })]);
    return sendPage(
      reply,
      renderAccountPage({ language, platformName: ctx.config.platform.name, viewer: viewer!, email: staff.email, passkeys, openSessions: sessions.length, passkeysAvailable: relyingParty(ctx.config.publicBaseUrl) !== null, message }),
    );
  });

  app.post('/console/account/passkeys/options', { schema: { hide: true } }, async (request) => {
    const { staff, session } = request.consoleSession!;
    return passkeyRegistrationOptions({ ctx, staff, sessionId: session.id });
  });

  app.post('/console/account/passkeys', { schema: { hide: true, body: ceremonyBody } }, async (request, reply) => {
    const { staff, session, principal } = request.consoleSession!;
    const name = request.body.name?.trim() || consoleMessages(consoleLanguage(request, reply)).account.defaultPasskeyName;
    await registerPasskey({ ctx, principal, staff, sessionId: session.id, challengeId: request.body.challengeId, response: request.body.response as unknown as RegistrationResponseJSON, name });
    return { redirect: '/console/account?added=1' };
  });

  app.post('/console/account/passkeys/:id/remove', { schema: { hide: true, params: z.object({ id: z.uuid() }) } }, async (request, reply) => {
    const { staff, principal } = request.consoleSession!;
    await removePasskey({ ctx, principal, staff, passkeyId: request.params.id });
    return reply.redirect(`/console/account?lang=${consoleLanguage(request, reply)}&removed=1`, 303);
  });

  app.post('/console/account/sign-out-everywhere', { schema: { hide: true } }, async (request, reply) => {
    const { staff, principal } = request.consoleSession!;
    await endAllSessions({ ctx, staffId: staff.id, principal });
    clearSessionCookie(reply, ctx.config.publicBaseUrl);
    return reply.redirect(`/console/sign-in?lang=${consoleLanguage(request, reply)}&signedOut=1`, 303);
  });
};

export default accountRoutes;
