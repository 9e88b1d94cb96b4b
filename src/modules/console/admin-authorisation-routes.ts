import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Language, pickLocalized } from '../../lib/i18n.js';
import { HttpProblem, notFound } from '../../lib/problem.js';
import { type AdminAuthorisation, type GrantForm, renderAuthorisationsPage, renderRevokeAuthorisationPage } from '../../web/console/admin-authorisation-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { grantAuthorisationBodySchema } from '../authorisations/schemas.js';
import { findAuthorisationWithNames } from '../authorisations/repository.js';
import { authorisationView, grantAuthorisation, listVisibleAuthorisations, revokeAuthorisation } from '../authorisations/service.js';
import { findCentreBySlug } from '../centres/repository.js';
import { ADMIN, adminQuery, centreChoices, DAY, doneRedirect, form, type FormErrors, PAGE_SIZE, readReason } from './admin-forms.js';
import { pageContext, problemMessage, sendPage } from './pages.js';
import { courseNames, courseOptions } from './service.js';

const AUTHORISATIONS = '/console/admin/authorisations';
const listQuery = adminQuery.extend({ centre: z.string().max(100).optional(), course: z.string().max(100).optional() });
const idParams = z.object({ id: z.uuid() });

// The API's fields by the grant form's (a date is a whole day from 00:00 UTC, as the form's hints say).
const FIELD_OF: Record<string, string> = { centre: 'grant-centre', achievementId: 'grant-course', validFrom: 'grant-from', validUntil: 'grant-until' };

/** The grant form as the API's request, judged by its schema, or the fields at fault in the reader's words. */
function readGrant(values: GrantForm, language: Language) {
  const invalid = consoleMessages(language).admin.invalid;
  const messages: Record<string, string> = { 'grant-centre': invalid.centre, 'grant-course': invalid.course, 'grant-from': invalid.date, 'grant-until': invalid.until };
  const day = (value: string | undefined) => (value?.trim() ? (DAY.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value) : undefined);
  const parsed = grantAuthorisationBodySchema.safeParse({
    centre: values.centre ?? '',
    achievementId: values.course ?? '',
    ...(day(values.from) ? { validFrom: day(values.from) } : {}),
    ...(day(values.until) ? { validUntil: day(values.until) } : {}),
  });
  if (parsed.success) return { input: parsed.data, errors: [] };
  const fields = new Set(parsed.error.issues.map((issue) => FIELD_OF[String(issue.path[0])]).filter((name): name is string => name !== undefined));
  // an invalid start makes the end incomparable: the end is judged again once the start is right
  return { errors: [...fields].map((name) => ({ field: name, message: name === 'grant-until' && values.until && !DAY.test(values.until.trim()) ? invalid.date : messages[name]! })) };
}

/** Authorisations: the list (by centre and course, 25 a page), grant and revoke, each through the API's service. */
const adminAuthorisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;

  async function showAuthorisations(
    request: FastifyRequest,
    reply: FastifyReply,
    { grant, errors = [], message, status = 200 }: { grant?: GrantForm; errors?: FormErrors; message?: string; status?: number } = {},
  ) {
    const { language, viewer } = await pageContext(request, reply);
    const { principal } = request.consoleSession!;
    const query = request.query as z.infer<typeof listQuery>;
    const [centres, courses, names] = await Promise.all([centreChoices({ ctx, principal, language }), courseOptions({ ctx, centreId: null, language }), courseNames({ ctx, language })]);
    // the filter offers what exists: anything else is the list's own error, at its field
    const filter = { centre: query.centre || undefined, course: query.course || undefined };
    const invalid = consoleMessages(language).admin.invalid;
    const filterErrors = [
      ...(filter.centre && !centres.some((centre) => centre.slug === filter.centre) ? [{ field: 'filter-centre', message: invalid.centre }] : []),
      ...(filter.course && !courses.some((course) => course.id === filter.course) ? [{ field: 'filter-course', message: invalid.course }] : []),
    ];
    const page = filterErrors.length
      ? { items: [], nextCursor: null }
      : await listVisibleAuthorisations({ ctx, principal, centre: filter.centre, achievementId: filter.course, limit: PAGE_SIZE, cursor: query.cursor });
    const centreName = new Map(centres.map((centre) => [centre.slug, centre.name]));
    return sendPage(
      reply,
      renderAuthorisationsPage({
        language,
        platformName,
        viewer: viewer!,
        filter,
        centres: centres.map((centre) => ({ value: centre.slug, label: centre.name })),
        courses: courses.map((course) => ({ value: course.id, label: course.label })),
        items: page.items.map((item) => ({ ...item, centreName: centreName.get(item.centre) ?? item.centre, courseName: names.get(item.achievementId) ?? item.achievementName })),
        firstPage: !query.cursor,
        nextCursor: page.nextCursor,
        grant,
        errors: [...filterErrors, ...errors],
        message,
      }),
      filterErrors.length ? 422 : status,
    );
  }

  app.get(AUTHORISATIONS, { config: ADMIN, schema: { hide: true, querystring: listQuery } }, async (request, reply) => {
    const words = consoleMessages((await pageContext(request, reply)).language).admin.done;
    const messages: Record<string, string> = { granted: words.granted, revoked: words.revoked };
    return showAuthorisations(request, reply, { message: messages[request.query.done ?? ''] });
  });

  app.post(AUTHORISATIONS, { config: ADMIN, schema: { hide: true, querystring: listQuery, body: form(['centre', 'course', 'from', 'until'] as const) } }, async (request, reply) => {
    const { language } = await pageContext(request, reply);
    const { _csrf: _token, ...grant } = request.body;
    const { input, errors } = readGrant(grant, language);
    if (!input) return showAuthorisations(request, reply, { grant, errors, status: 422 });
    try {
      await grantAuthorisation({ ctx, actor: request.consoleSession!.principal, input });
    } catch (error) {
      if (!(error instanceof HttpProblem) || (error.status !== 409 && error.status !== 422)) throw error;
      // an unknown centre or course names its field; an overlap is about the pair: shown at the course
      const at = error.errors?.map((entry) => FIELD_OF[entry.path.replace(/^body\./, '')]).find(Boolean) ?? 'grant-course';
      return showAuthorisations(request, reply, { grant, errors: [{ field: at, message: problemMessage(language, error) }], status: 422 });
    }
    return doneRedirect(request, reply, AUTHORISATIONS, 'granted');
  });

  /** The authorisation the path names, as the revocation page shows it (names in the reader's language). */
  async function revocable(id: string, language: Language): Promise<AdminAuthorisation> {
    const row = await findAuthorisationWithNames(ctx.db, id);
    if (!row) throw notFound(`No authorisation has the id "${id}".`);
    const [centre, names] = await Promise.all([findCentreBySlug(ctx.db, row.centreSlug), courseNames({ ctx, language })]);
    const view = authorisationView(row, ctx.config.publicBaseUrl, ctx.clock.now());
    return { ...view, centreName: centre ? pickLocalized(centre.name, language).value : view.centre, courseName: names.get(view.achievementId) ?? view.achievementName };
  }

  const revokePath = `${AUTHORISATIONS}/:id/revoke`;
  app.get(revokePath, { config: ADMIN, schema: { hide: true, params: idParams, querystring: listQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { centre, course } = request.query;
    return sendPage(reply, renderRevokeAuthorisationPage({ language, platformName, viewer: viewer!, authorisation: await revocable(request.params.id, language), back: { centre, course } }));
  });

  app.post(revokePath, { config: ADMIN, schema: { hide: true, params: idParams, querystring: listQuery, body: form(['reason'] as const) } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { centre, course } = request.query;
    const reason = readReason(request.body.reason);
    if (!reason) {
      const authorisation = await revocable(request.params.id, language);
      const error = consoleMessages(language).admin.invalid.reason;
      return sendPage(reply, renderRevokeAuthorisationPage({ language, platformName, viewer: viewer!, authorisation, back: { centre, course }, reason: request.body.reason, error }), 422);
    }
    await revokeAuthorisation({ ctx, actor: request.consoleSession!.principal, id: request.params.id, reason });
    return doneRedirect(request, reply, AUTHORISATIONS, 'revoked', { ...(centre ? { centre } : {}), ...(course ? { course } : {}) });
  });
};

export default adminAuthorisationRoutes;
