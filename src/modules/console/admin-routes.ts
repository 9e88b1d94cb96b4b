import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { type AuditFilters, type InviteForm, type RegistryCentre, renderAdminHome, renderAuditPage, renderPlatformStaffPage, renderRegistryPage } from '../../web/console/admin-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { listAuditEvents } from '../audit/repository.js';
import { getCentre } from '../centres/service.js';
import type { Mailer } from '../delivery/mailer.js';
import { listCentreKeys } from '../keys/admin.js';
import { inviteByEmail, listCentreStaff, removeStaff } from '../staff/service.js';
import adminAuthorisationRoutes from './admin-authorisation-routes.js';
import adminCentreRoutes from './admin-centre-routes.js';
import adminCourseRoutes from './admin-course-routes.js';
import { ADMIN, adminQuery, centreChoices, DAY, doneRedirect, form, type FormErrors, invitationRefusal, PAGE_SIZE, readInvitation } from './admin-forms.js';
import { askedToConfirm } from './confirm-routes.js';
import { pageContext, sendPage } from './pages.js';
import { namedEvents } from './service.js';

const ADMIN_HOME = '/console/admin';
const STAFF = '/console/admin/staff';
const auditQuery = adminQuery.extend({
  centre: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  from: z.string().max(100).optional(),
  to: z.string().max(100).optional(),
});
const registryQuery = adminQuery.extend({ page: z.string().max(10).optional() });
const staffQuery = adminQuery.extend({ email: z.string().max(254).optional(), confirmed: z.string().max(10).optional() });
const DAY_MS = 86_400_000;

/** The signed registry's content the page shows (our own document: the shape the publisher builds). */
interface PublishedRegistry {
  validFrom: string;
  issuer: { id: string };
  credentialSubject: { recognisedCentres: { id: string; name: string; countryCode: string; centreStatus: 'active' | 'suspended'; courseAuthorisations: unknown[] }[] };
}

/**
 * The platform admin's pages under /console/admin: the overview, the registry as published, the audit trail across
 * centres and the platform's admins here; centres, courses and authorisations in their own route files.
 */
const adminRoutes: FastifyPluginAsyncZod<{ mailer: Mailer }> = async (app, { mailer }) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;

  app.get(ADMIN_HOME, { config: ADMIN, schema: { hide: true, querystring: staffQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const message = request.query.confirmed ? consoleMessages(language).admin.done.confirmed : undefined;
    return sendPage(reply, renderAdminHome({ language, platformName, viewer: viewer!, message }));
  });

  app.get(`${ADMIN_HOME}/registry`, { config: ADMIN, schema: { hide: true, querystring: registryQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { version, document } = await ctx.registry.current();
    const published = JSON.parse(document) as PublishedRegistry;
    const recognised = published.credentialSubject.recognisedCentres;
    const pages = Math.max(1, Math.ceil(recognised.length / PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Number.parseInt(request.query.page ?? '1', 10) || 1));
    const slugs = new Map((await centreChoices({ ctx, principal: request.consoleSession!.principal, language })).map((centre) => [centre.did, centre.slug]));
    const centres: RegistryCentre[] = await Promise.all(
      recognised.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(async (entry) => {
        const slug = slugs.get(entry.id) ?? null;
        const keys = slug ? (await listCentreKeys({ ctx, centre: await getCentre({ db: ctx.db, slug }) })).items : null;
        const count = (status: string) => keys?.filter((key) => key.status === status).length ?? 0;
        return {
          did: entry.id,
          slug,
          name: entry.name,
          countryCode: entry.countryCode,
          status: entry.centreStatus,
          courses: entry.courseAuthorisations.length,
          keys: keys ? { active: count('active'), retired: count('retired'), compromised: count('compromised') } : null,
        };
      }),
    );
    return sendPage(reply, renderRegistryPage({ language, platformName, viewer: viewer!, version, validFrom: published.validFrom, signedBy: published.issuer.id, centres, page, pages }));
  });

  app.get(`${ADMIN_HOME}/audit`, { config: ADMIN, schema: { hide: true, querystring: auditQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const text = consoleMessages(language);
    const { centre, action, from, to, cursor } = request.query;
    const filters: AuditFilters = { centre: centre || undefined, action: action || undefined, from: from || undefined, to: to || undefined };
    const centres = await centreChoices({ ctx, principal: request.consoleSession!.principal, language });
    const actions = Object.keys(text.actions).filter((key) => key !== 'other');
    const chosen = centres.find((entry) => entry.slug === filters.centre);
    const errors = [
      ...(filters.centre && !chosen ? [{ field: 'centre', message: text.admin.invalid.centre }] : []),
      ...(filters.action && !actions.includes(filters.action) ? [{ field: 'action', message: text.admin.invalid.action }] : []),
      ...(['from', 'to'] as const).filter((key) => filters[key] && !(DAY.test(filters[key]!) && !Number.isNaN(Date.parse(filters[key]!)))).map((key) => ({ field: key, message: text.admin.invalid.date })),
    ];
    const rows = errors.length
      ? []
      : await listAuditEvents(ctx.db, {
          filter: {
            centreId: chosen?.id,
            action: filters.action,
            from: filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined,
            // "to" is inclusive: events before the next day begins
            to: filters.to ? new Date(Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS) : undefined,
          },
          limit: PAGE_SIZE,
          after: decodeCursor(cursor),
        });
    const page = toPage(rows, PAGE_SIZE);
    const named = await namedEvents({ ctx, events: page.items });
    const slugOf = new Map(centres.map((entry) => [entry.id, entry.slug]));
    const entries = named.map((entry, index) => {
      const reason = (entry.details as { reason?: unknown }).reason;
      const centreId = page.items[index]!.centreId;
      return { ...entry, centre: centreId ? (slugOf.get(centreId) ?? null) : null, reason: typeof reason === 'string' ? reason : null };
    });
    return sendPage(
      reply,
      renderAuditPage({ language, platformName, viewer: viewer!, filters, errors, centres, actions, entries, firstPage: !cursor, nextCursor: page.nextCursor }),
      errors.length ? 422 : 200,
    );
  });

  async function showStaff(request: FastifyRequest, reply: FastifyReply, { invite, errors, message, status = 200 }: { invite?: InviteForm; errors?: FormErrors; message?: string; status?: number } = {}) {
    const { language, viewer } = await pageContext(request, reply);
    const admins = await listCentreStaff({ ctx, centreId: null });
    return sendPage(
      reply,
      renderPlatformStaffPage({
        language,
        platformName,
        viewer: viewer!,
        staffId: request.consoleSession!.staff.id,
        admins: admins.map((admin) => ({ id: admin.id, name: admin.displayName, email: admin.email, state: admin.state })),
        invite,
        errors,
        message,
      }),
      status,
    );
  }

  app.get(STAFF, { config: ADMIN, schema: { hide: true, querystring: staffQuery } }, async (request, reply) => {
    const words = consoleMessages((await pageContext(request, reply)).language);
    const { done, email } = request.query;
    const messages: Record<string, string> = { invited: words.settings.invited({ email: email ?? '' }), removed: words.admin.done.removed };
    return showStaff(request, reply, { message: messages[done ?? ''] });
  });

  app.post(STAFF, { config: ADMIN, schema: { hide: true, body: form(['name', 'email', 'language'] as const) } }, async (request, reply) => {
    const { language } = await pageContext(request, reply);
    const { _csrf: _token, ...invite } = request.body;
    const { input, errors } = readInvitation(invite, language);
    if (!input) return showStaff(request, reply, { invite, errors, status: 422 });
    if (await askedToConfirm(request, reply, STAFF)) return reply;
    const { principal, staff } = request.consoleSession!;
    try {
      await inviteByEmail({ ctx, mailer, actor: principal, inviterName: staff.displayName, input: { email: input.email, displayName: input.name, role: 'admin', centre: null, language: input.language } });
    } catch (error) {
      return showStaff(request, reply, { invite, ...invitationRefusal(error, language) });
    }
    return doneRedirect(request, reply, STAFF, 'invited', { email: input.email });
  });

  app.post(`${STAFF}/:id/remove`, { config: ADMIN, schema: { hide: true, params: z.object({ id: z.uuid() }) } }, async (request, reply) => {
    if (await askedToConfirm(request, reply, STAFF)) return reply;
    await removeStaff({ ctx, principal: request.consoleSession!.principal, staffId: request.params.id });
    return doneRedirect(request, reply, STAFF, 'removed');
  });

  await app.register(adminCentreRoutes, { mailer });
  await app.register(adminCourseRoutes);
  await app.register(adminAuthorisationRoutes);
};

export default adminRoutes;
