import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpProblem } from '../../lib/problem.js';
import { type SettingsForms, renderSecretPage, renderSettingsPage } from '../../web/console/settings-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { CENTRE_SCOPES, isScope } from '../auth/scopes.js';
import { createCentreClient, disableClient, listCentreClients, rotateClientSecret } from '../clients/service.js';
import { managingCentre } from '../credentials/lifecycle.js';
import { displayText } from '../credentials/schemas.js';
import type { Mailer } from '../delivery/mailer.js';
import { listCentreKeys, rotateCentreKey } from '../keys/admin.js';
import { CENTRE_ROLES } from '../staff/roles.js';
import { changeRole, inviteByEmail, listCentreStaff, removeStaff } from '../staff/service.js';
import { consoleLanguage } from './access.js';
import { askedToConfirm } from './confirm-routes.js';
import { pageContext, problemMessage, sendPage } from './pages.js';

const settingsQuery = z.object({ lang: z.string().max(100).optional(), remember: z.string().max(100).optional(), done: z.string().max(30).optional(), email: z.string().max(254).optional(), confirmed: z.string().max(10).optional() });
const form = <T extends z.ZodRawShape>(shape: T) => z.object({ _csrf: z.string(), ...shape });
const staffParams = z.object({ id: z.uuid() });
const clientParams = z.object({ clientId: z.string().min(1).max(200) });
const SETTINGS = '/console/settings';

/** A centre manager's settings: staff, API clients and signing keys; every change first asks for a fresh confirmation. */
const settingsRoutes: FastifyPluginAsyncZod<{ mailer: Mailer }> = async (app, { mailer }) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;
  const access = { access: 'staff:manage' as const };

  async function showSettings(request: FastifyRequest, reply: FastifyReply, { forms, message, status = 200 }: { forms?: SettingsForms; message?: string; status?: number } = {}) {
    const { language, viewer } = await pageContext(request, reply);
    const { principal, staff } = request.consoleSession!;
    const centre = await managingCentre(ctx, principal);
    const [members, clients, keys] = await Promise.all([listCentreStaff({ ctx, centreId: centre.id }), listCentreClients({ ctx, centre }), listCentreKeys({ ctx, centre })]);
    return sendPage(
      reply,
      renderSettingsPage({
        language,
        platformName,
        viewer: viewer!,
        staffId: staff.id,
        staff: members.map((member) => ({ id: member.id, name: member.displayName, email: member.email, role: member.role, state: member.state })),
        clients: clients.items.map((client) => ({ clientId: client.client_id, name: client.name, scopes: client.scopes, status: client.status as 'active' | 'disabled', createdAt: client.createdAt })),
        keys: keys.items.map((key) => ({ id: key.id, status: key.status as 'active' | 'retired' | 'compromised', createdAt: key.createdAt })),
        forms,
        message,
      }),
      status,
    );
  }

  /** After a change: back to the page with what happened said at its top. */
  const done = (request: FastifyRequest, reply: FastifyReply, what: string, extra = '') => reply.redirect(`${SETTINGS}?lang=${consoleLanguage(request, reply)}&done=${what}${extra}`, 303);

  app.get(SETTINGS, { config: access, schema: { hide: true, querystring: settingsQuery } }, async (request, reply) => {
    const words = consoleMessages(consoleLanguage(request, reply));
    const { done: what, email, confirmed } = request.query;
    const messages: Record<string, string> = {
      invited: words.settings.invited({ email: email ?? '' }),
      'role-changed': words.settings.roleChanged,
      removed: words.settings.removed,
      disabled: words.settings.disabled,
      rotated: words.settings.rotated,
    };
    return showSettings(request, reply, { message: confirmed ? words.confirm.confirmed : messages[what ?? ''] });
  });

  app.post(`${SETTINGS}/staff`, { config: access, schema: { hide: true, body: form({ name: z.string().max(1000).optional(), email: z.string().max(1000).optional(), role: z.string().max(20).optional(), language: z.string().max(10).optional() }) } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    const language = consoleLanguage(request, reply);
    const invalid = consoleMessages(language).settings.invalid;
    const { name = '', email = '', role = '', language: inviteLanguage } = request.body;
    const errors = [
      ...(displayText(200).safeParse(name.trim()).success ? [] : [{ field: 'invite-name', message: invalid.name }]),
      ...(z.email().max(254).safeParse(email.trim()).success ? [] : [{ field: 'invite-email', message: invalid.email }]),
      ...((CENTRE_ROLES as readonly string[]).includes(role) ? [] : [{ field: 'invite-role', message: invalid.role }]),
    ];
    const forms = { invite: request.body };
    if (errors.length) return showSettings(request, reply, { forms: { ...forms, errors }, status: 422 });
    const { principal, staff } = request.consoleSession!;
    try {
      const centre = await managingCentre(ctx, principal);
      const invitationLanguage = inviteLanguage === 'fr' || inviteLanguage === 'ar' || inviteLanguage === 'zh' ? inviteLanguage : 'en';
      await inviteByEmail({ ctx, mailer, actor: principal, inviterName: staff.displayName, input: { email: email.trim(), displayName: name.trim(), role: role as (typeof CENTRE_ROLES)[number], centre: centre.slug, language: invitationLanguage } });
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.status === 500) throw error;
      return showSettings(request, reply, { forms: { ...forms, errors: [{ field: 'invite-email', message: problemMessage(language, error) }] }, status: error.status === 503 ? 503 : 422 });
    }
    return done(request, reply, 'invited', `&email=${encodeURIComponent(email.trim())}`);
  });

  app.post(`${SETTINGS}/staff/:id/role`, { config: access, schema: { hide: true, params: staffParams, body: form({ role: z.enum(CENTRE_ROLES) }) } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    await changeRole({ ctx, principal: request.consoleSession!.principal, staffId: request.params.id, role: request.body.role });
    return done(request, reply, 'role-changed');
  });

  app.post(`${SETTINGS}/staff/:id/remove`, { config: access, schema: { hide: true, params: staffParams } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    await removeStaff({ ctx, principal: request.consoleSession!.principal, staffId: request.params.id });
    return done(request, reply, 'removed');
  });

  app.post(`${SETTINGS}/clients`, { config: { access: 'clients:manage' }, schema: { hide: true, body: form({ name: z.string().max(1000).optional(), scopes: z.union([z.string(), z.array(z.string())]).optional() }) } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    const { language, viewer } = await pageContext(request, reply);
    const invalid = consoleMessages(language).settings.invalid;
    const name = (request.body.name ?? '').trim();
    const scopes = [request.body.scopes ?? []].flat().filter(isScope).filter((scope) => CENTRE_SCOPES.includes(scope));
    const errors = [...(displayText(200).safeParse(name).success ? [] : [{ field: 'client-name', message: invalid.name }]), ...(scopes.length ? [] : [{ field: 'client-scopes', message: invalid.scopes }])];
    if (errors.length) return showSettings(request, reply, { forms: { client: { name, scopes }, errors }, status: 422 });
    const centre = await managingCentre(ctx, request.consoleSession!.principal);
    const created = await createCentreClient({ ctx, actor: request.consoleSession!.principal, centre, name, scopes: [...new Set(scopes)] });
    return sendPage(reply, renderSecretPage({ language, platformName, viewer: viewer!, clientId: created.client_id, secret: created.client_secret }));
  });

  app.post(`${SETTINGS}/clients/:clientId/rotate`, { config: { access: 'clients:manage' }, schema: { hide: true, params: clientParams } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    const { language, viewer } = await pageContext(request, reply);
    const rotated = await rotateClientSecret({ ctx, principal: request.consoleSession!.principal, clientId: request.params.clientId });
    return sendPage(reply, renderSecretPage({ language, platformName, viewer: viewer!, clientId: rotated.client_id, secret: rotated.client_secret }));
  });

  app.post(`${SETTINGS}/clients/:clientId/disable`, { config: { access: 'clients:manage' }, schema: { hide: true, params: clientParams, body: form({ reason: z.string().max(10_000).optional() }) } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    const reason = (request.body.reason ?? '').trim();
    if (!reason || [...reason].length > 500) {
      return showSettings(request, reply, { forms: { errors: [{ field: `reason-${request.params.clientId}`, message: consoleMessages(consoleLanguage(request, reply)).settings.invalid.reason }] }, status: 422 });
    }
    await disableClient({ ctx, principal: request.consoleSession!.principal, clientId: request.params.clientId, reason });
    return done(request, reply, 'disabled');
  });

  app.post(`${SETTINGS}/keys/rotate`, { config: { access: 'keys:manage' }, schema: { hide: true } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, SETTINGS)) return reply;
    const centre = await managingCentre(ctx, request.consoleSession!.principal);
    await rotateCentreKey({ ctx, actor: request.consoleSession!.principal, centre });
    return done(request, reply, 'rotated');
  });
};

export default settingsRoutes;
