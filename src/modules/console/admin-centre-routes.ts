import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Language, LANGUAGES, pickLocalized } from '../../lib/i18n.js';
import { HttpProblem, notFound } from '../../lib/problem.js';
import {
  type AdminCentre,
  CENTRE_FORM_FIELDS,
  type CentreForm,
  keyFragment,
  renderCentreForm,
  renderCentreListPage,
  renderCentrePage,
  renderCompromisePage,
} from '../../web/console/admin-centre-pages.js';
import type { InviteForm } from '../../web/console/admin-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { centreForPrincipal } from '../centres/access.js';
import type { CentreRow } from '../centres/repository.js';
import { createCentreBodySchema } from '../centres/schemas.js';
import { centreView, createCentre, listVisibleCentres, setCentreStatus } from '../centres/service.js';
import type { Mailer } from '../delivery/mailer.js';
import { compromiseCentreKey, listCentreKeys } from '../keys/admin.js';
import { inviteByEmail, listCentreStaff } from '../staff/service.js';
import { ADMIN, adminQuery, doneRedirect, form, type FormErrors, invitationRefusal, PAGE_SIZE, readInvitation, readReason } from './admin-forms.js';
import { askedToConfirm } from './confirm-routes.js';
import { pageContext, sendPage } from './pages.js';

const CENTRES = '/console/admin/centres';
const slugParams = z.object({ slug: z.string().max(100) });
const keyParams = slugParams.extend({ key: z.string().max(200) });
const centreQuery = adminQuery.extend({ email: z.string().max(254).optional() });

const adminCentre = (view: ReturnType<typeof centreView>, language: Language): AdminCentre => ({ ...view, name: pickLocalized(view.name, language).value });

/** The registration form as the API's create request: the same schema judges both. Empty fields are absent. */
function readCentreForm(values: CentreForm, language: Language) {
  const invalid = consoleMessages(language).admin.invalid;
  const given = (value: string | undefined) => (value?.trim() ? value : undefined);
  const names = Object.fromEntries(LANGUAGES.flatMap((code) => (given(values[`name-${code}`]) ? [[code, values[`name-${code}`]]] : [])));
  const parsed = createCentreBodySchema.safeParse({
    slug: values.slug?.trim() ?? '',
    name: names,
    countryCode: values.countryCode?.trim().toUpperCase() ?? '',
    ...(given(values.defaultLanguage) ? { defaultLanguage: values.defaultLanguage } : {}),
    ...(given(values.hostInstitution) ? { hostInstitution: values.hostInstitution } : {}),
    ...(given(values.websiteUrl) ? { websiteUrl: values.websiteUrl!.trim() } : {}),
    ...(given(values.contactEmail) ? { contactEmail: values.contactEmail!.trim() } : {}),
  });
  if (parsed.success) return { input: parsed.data, errors: [] };
  const messages: Record<string, string> = {
    slug: invalid.slug,
    countryCode: invalid.countryCode,
    defaultLanguage: invalid.defaultLanguage,
    hostInstitution: invalid.hostInstitution,
    websiteUrl: invalid.websiteUrl,
    contactEmail: invalid.contactEmail,
  };
  const errors = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const [first, second] = issue.path.map(String);
    if (first === 'name') errors.set(second ? `name-${second}` : 'name-en', second ? invalid.centreName : invalid.centreNameRequired);
    else if (first && messages[first]) errors.set(first, messages[first]);
  }
  return { errors: [...errors].map(([field, message]) => ({ field, message })) };
}

/** The platform's centres: the list, registration, a centre's page (status, staff, keys) and a key's compromise. */
const adminCentreRoutes: FastifyPluginAsyncZod<{ mailer: Mailer }> = async (app, { mailer }) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;

  app.get(CENTRES, { config: ADMIN, schema: { hide: true, querystring: adminQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const page = await listVisibleCentres({ ctx, principal: request.consoleSession!.principal, limit: PAGE_SIZE, cursor: request.query.cursor });
    return sendPage(
      reply,
      renderCentreListPage({ language, platformName, viewer: viewer!, centres: page.items.map((centre) => adminCentre(centre, language)), firstPage: !request.query.cursor, nextCursor: page.nextCursor }),
    );
  });

  app.get(`${CENTRES}/new`, { config: ADMIN, schema: { hide: true, querystring: adminQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    return sendPage(reply, renderCentreForm({ language, platformName, viewer: viewer! }));
  });

  app.post(CENTRES, { config: ADMIN, schema: { hide: true, body: form(CENTRE_FORM_FIELDS) } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { _csrf: _token, ...values } = request.body;
    const refused = (errors: FormErrors) => sendPage(reply, renderCentreForm({ language, platformName, viewer: viewer!, values, errors }), 422);
    const { input, errors } = readCentreForm(values, language);
    if (!input) return refused(errors);
    try {
      await createCentre({ ctx, actor: request.consoleSession!.principal, input });
    } catch (error) {
      // the one conflict of a registration: the slug is taken (slugs are permanent)
      if (error instanceof HttpProblem && error.status === 409) return refused([{ field: 'slug', message: consoleMessages(language).admin.invalid.slugTaken }]);
      throw error;
    }
    return doneRedirect(request, reply, `${CENTRES}/${input.slug}`, 'centre-created');
  });

  /** A centre's page, with a notice after a change or the errors of a refused form. */
  async function showCentre(
    request: FastifyRequest,
    reply: FastifyReply,
    { message, invite, reason, errors, status = 200 }: { message?: string; invite?: InviteForm; reason?: string; errors?: FormErrors; status?: number } = {},
  ) {
    const { language, viewer } = await pageContext(request, reply);
    const { slug } = request.params as { slug: string };
    const centre = await centreForPrincipal({ ctx, principal: request.consoleSession!.principal, slug });
    const [staff, keys] = await Promise.all([listCentreStaff({ ctx, centreId: centre.id }), listCentreKeys({ ctx, centre })]);
    return sendPage(
      reply,
      renderCentrePage({
        language,
        platformName,
        viewer: viewer!,
        centre: adminCentre(centreView(centre, ctx.config.publicBaseUrl), language),
        staff: staff.map((member) => ({ name: member.displayName, email: member.email, role: member.role, state: member.state })),
        keys: keys.items,
        message,
        invite,
        reason,
        errors,
      }),
      status,
    );
  }

  app.get(`${CENTRES}/:slug`, { config: ADMIN, schema: { hide: true, params: slugParams, querystring: centreQuery } }, async (request, reply) => {
    const words = consoleMessages((await pageContext(request, reply)).language);
    const { done, email } = request.query;
    const messages: Record<string, string> = {
      'centre-created': words.admin.done.centreCreated,
      suspended: words.admin.done.suspended,
      reactivated: words.admin.done.reactivated,
      invited: words.settings.invited({ email: email ?? '' }),
      compromised: words.admin.done.compromised,
    };
    return showCentre(request, reply, { message: messages[done ?? ''] });
  });

  for (const [action, status] of [['suspend', 'suspended'], ['reactivate', 'active']] as const) {
    app.post(`${CENTRES}/:slug/${action}`, { config: ADMIN, schema: { hide: true, params: slugParams, body: form(['reason'] as const) } }, async (request, reply) => {
      const reason = readReason(request.body.reason);
      if (!reason) {
        const message = consoleMessages((await pageContext(request, reply)).language).admin.invalid.reason;
        return showCentre(request, reply, { reason: request.body.reason, errors: [{ field: 'status-reason', message }], status: 422 });
      }
      await setCentreStatus({ ctx, actor: request.consoleSession!.principal, slug: request.params.slug, status, reason });
      return doneRedirect(request, reply, `${CENTRES}/${request.params.slug}`, status === 'active' ? 'reactivated' : 'suspended');
    });
  }

  app.post(`${CENTRES}/:slug/invite`, { config: ADMIN, schema: { hide: true, params: slugParams, body: form(['name', 'email', 'language'] as const) } }, async (request, reply) => {
    const { language } = await pageContext(request, reply);
    const { _csrf: _token, ...invite } = request.body;
    const { input, errors } = readInvitation(invite, language);
    if (!input) return showCentre(request, reply, { invite, errors, status: 422 });
    const centre = await centreForPrincipal({ ctx, principal: request.consoleSession!.principal, slug: request.params.slug });
    if (await askedToConfirm(request, reply, `${CENTRES}/${centre.slug}`)) return reply;
    const { principal, staff } = request.consoleSession!;
    try {
      await inviteByEmail({ ctx, mailer, actor: principal, inviterName: staff.displayName, input: { email: input.email, displayName: input.name, role: 'manager', centre: centre.slug, language: input.language } });
    } catch (error) {
      const refusal = invitationRefusal(error, language);
      return showCentre(request, reply, { invite, ...refusal });
    }
    return doneRedirect(request, reply, `${CENTRES}/${centre.slug}`, 'invited', { email: input.email });
  });

  /** The centre and the key the path names (its public part); another centre's or an unknown key is not found. */
  async function centreKey(request: FastifyRequest): Promise<{ centre: CentreRow; key: Awaited<ReturnType<typeof listCentreKeys>>['items'][number] }> {
    const params = request.params as { slug: string; key: string };
    const centre = await centreForPrincipal({ ctx, principal: request.consoleSession!.principal, slug: params.slug });
    const key = (await listCentreKeys({ ctx, centre })).items.find((item) => keyFragment(item.id) === params.key);
    if (!key) throw notFound(`The centre "${centre.slug}" has no key ${params.key}.`);
    return { centre, key };
  }

  const compromisePath = `${CENTRES}/:slug/keys/:key/compromise`;
  app.get(compromisePath, { config: ADMIN, schema: { hide: true, params: keyParams, querystring: adminQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { centre, key } = await centreKey(request);
    return sendPage(reply, renderCompromisePage({ language, platformName, viewer: viewer!, centre: { slug: centre.slug, name: pickLocalized(centre.name, language).value }, key }));
  });

  app.post(compromisePath, { config: ADMIN, schema: { hide: true, params: keyParams, body: form(['reason', 'confirm'] as const) } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { centre, key } = await centreKey(request);
    const invalid = consoleMessages(language).admin.invalid;
    const reason = readReason(request.body.reason);
    const errors = [...(reason ? [] : [{ field: 'reason', message: invalid.reason }]), ...(request.body.confirm === 'compromised' ? [] : [{ field: 'confirm', message: invalid.confirm }])];
    if (!reason || errors.length) {
      const page = renderCompromisePage({ language, platformName, viewer: viewer!, centre: { slug: centre.slug, name: pickLocalized(centre.name, language).value }, key, reason: request.body.reason, errors });
      return sendPage(reply, page, 422);
    }
    if (await askedToConfirm(request, reply, `${CENTRES}/${centre.slug}/keys/${request.params.key}/compromise`)) return reply;
    await compromiseCentreKey({ ctx, actor: request.consoleSession!.principal, centre, keyId: key.id, reason });
    return doneRedirect(request, reply, `${CENTRES}/${centre.slug}`, 'compromised');
  });
};

export default adminCentreRoutes;
