import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toCsv } from '../../lib/safe-csv.js';
import type { Language } from '../../lib/i18n.js';
import { HttpProblem } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import {
  type ConsoleCredential,
  type CredentialSearch,
  type LifecycleAction,
  renderCredentialListPage,
  renderCredentialPage,
  renderLifecycleConfirmPage,
  renderWalletOfferPage,
} from '../../web/console/credential-pages.js';
import { walletOfferView } from '../../web/wallet-offer.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { credentialDeliveries, redeliverCredential } from '../delivery/service.js';
import { shortLinkOf } from '../credentials/service.js';
import { getCredentialDetails, listCentreCredentials, revokeCredential, suspendCredential, unsuspendCredential } from '../credentials/lifecycle.js';
import { type CredentialListQuery, credentialListQuerySchema, credentialParamsSchema } from '../credentials/schemas.js';
import { consoleLanguage } from './access.js';
import { pageContext, problemMessage, sendPage } from './pages.js';
import { courseNames, courseOptions, credentialReader, namedEvents } from './service.js';
import { listAuditEvents } from '../audit/repository.js';
import { createCentreOffer, listWalletCopies } from '../wallet/service.js';

const PAGE_SIZE = 25;
// An export is a spreadsheet for people: this many rows at most (the page says so when there are more).
const EXPORT_LIMIT = 10_000;

const searchQuerySchema = z.object({
  lang: z.string().max(100).optional(),
  remember: z.string().max(100).optional(),
  centre: z.string().max(100).optional(),
  name: z.string().max(1000).optional(),
  email: z.string().max(1000).optional(),
  code: z.string().max(1000).optional(),
  course: z.string().max(100).optional(),
  status: z.string().max(100).optional(),
  from: z.string().max(100).optional(),
  to: z.string().max(100).optional(),
  cursor: z.string().max(500).optional(),
  done: z.string().max(20).optional(),
});

// The search form's fields by the API query's names, so the API's own validation speaks for the form.
const FIELD_OF: Record<string, keyof CredentialSearch> = { recipient: 'name', email: 'email', code: 'code', achievementId: 'course', status: 'status', issuedFrom: 'from', issuedTo: 'to' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The search form as the API's list query (the same rules), or the fields it got wrong, in the reader's words. */
function readSearch(search: CredentialSearch, cursor: string | undefined, language: Language, limit: number): { query?: CredentialListQuery; errors: { field: string; message: string }[] } {
  const invalid = consoleMessages(language).credentials.invalid;
  const dateErrors = (['from', 'to'] as const).filter((key) => search[key] && !DAY.test(search[key]!)).map((key) => ({ field: key, message: invalid[key] }));
  const parsed = credentialListQuerySchema.safeParse({
    limit,
    cursor,
    recipient: search.name || undefined,
    email: search.email || undefined,
    code: search.code || undefined,
    achievementId: search.course || undefined,
    status: search.status || undefined,
    issuedFrom: search.from && DAY.test(search.from) ? `${search.from}T00:00:00Z` : undefined,
    issuedTo: search.to && DAY.test(search.to) ? `${search.to}T00:00:00Z` : undefined,
  });
  const errors = [
    ...dateErrors,
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => FIELD_OF[String(issue.path[0])]).filter((key) => key !== undefined).map((key) => ({ field: key, message: invalid[key] }))),
  ];
  // The API finds nothing for a mistyped address; a person is better told it is not an address at all.
  if (search.email && !z.email().safeParse(search.email.trim()).success) errors.push({ field: 'email', message: invalid.email });
  return errors.length || !parsed.success ? { errors } : { query: parsed.data, errors };
}

type CredentialView = Awaited<ReturnType<typeof listCentreCredentials>>['items'][number];
// an erased credential has no name left: the console shows a dash where it was
const consoleCredential = (view: CredentialView, names: Map<string, string>): ConsoleCredential => ({
  ...view,
  recipient: view.status === 'erased' ? { ...view.recipient, name: '—' } : view.recipient,
  courseName: names.get(view.achievementId) ?? view.achievementId,
});

/** The console's credentials: search, export, details with history, and the lifecycle actions with a confirmation step. */
const credentialRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;
  const readerOf = (principal: Principal, centre?: string) => credentialReader({ ctx, principal, centreSlug: centre });

  app.get('/console/credentials', { config: { access: 'credentials:read' }, schema: { hide: true, querystring: searchQuerySchema } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { cursor, centre, lang: _lang, remember: _remember, done: _done, ...search } = request.query;
    const reader = await readerOf(request.consoleSession!.principal, centre);
    const { query, errors } = readSearch(search, cursor, language, PAGE_SIZE);
    const [page, names, courses] = await Promise.all([
      query ? listCentreCredentials({ ctx, principal: reader.principal, query }) : { items: [], nextCursor: null },
      courseNames({ ctx, language }),
      courseOptions({ ctx, centreId: null, language }),
    ]);
    return sendPage(
      reply,
      renderCredentialListPage({ language, platformName, viewer: viewer!, search, errors, courses, items: page.items.map((item) => consoleCredential(item, names)), nextCursor: page.nextCursor, firstPage: !cursor, centre: reader.centre }),
      errors.length ? 422 : 200,
    );
  });

  app.get('/console/credentials/export.csv', { config: { access: 'credentials:read' }, schema: { hide: true, querystring: searchQuerySchema } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    const { centre, cursor: _cursor, lang: _lang, remember: _remember, done: _done, ...search } = request.query;
    const reader = await readerOf(request.consoleSession!.principal, centre);
    const names = await courseNames({ ctx, language });
    const rows: (string | null)[][] = [['id', 'url', 'name', 'email', 'course', 'issuedAt', 'status', 'shortCode']];
    let cursor: string | undefined;
    do {
      const { query } = readSearch(search, cursor, language, 100);
      if (!query) break;
      const page = await listCentreCredentials({ ctx, principal: reader.principal, query });
      for (const item of page.items) rows.push([item.id, item.url, item.recipient.name, item.recipient.email, names.get(item.achievementId) ?? item.achievementId, item.issuedAt, item.status, item.shortCode]);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length <= EXPORT_LIMIT);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="credentials-${reader.centre ?? request.consoleSession!.principal.centreSlug ?? 'all'}.csv"`)
      .send(`\uFEFF${toCsv(rows.slice(0, EXPORT_LIMIT + 1))}`);
  });

  /** The credential (through the API's service: another centre's is a 404), ready for the console's pages. */
  async function loadCredential(principal: Principal, id: string, language: Language) {
    const [details, names] = await Promise.all([getCredentialDetails({ ctx, principal, id }), courseNames({ ctx, language })]);
    return { details, credential: consoleCredential(details, names) };
  }

  /** The credential's console page, with a notice after an action or the send form's error after a refused one. */
  async function showCredential(
    request: FastifyRequest,
    reply: FastifyReply,
    { centre, message, delivery, status = 200 }: { centre?: string; message?: string; delivery?: { email?: string; error?: string }; status?: number },
  ) {
    const { language, viewer } = await pageContext(request, reply);
    const reader = await readerOf(request.consoleSession!.principal, centre);
    const { credential } = await loadCredential(reader.principal, (request.params as { id: string }).id, language);
    const [events, deliveries, walletCopies] = await Promise.all([
      listAuditEvents(ctx.db, { filter: { credentialId: credential.id }, limit: 50 }),
      credentialDeliveries({ ctx, principal: reader.principal, id: credential.id }),
      listWalletCopies({ ctx, principal: reader.principal, id: credential.id }),
    ]);
    return sendPage(
      reply,
      renderCredentialPage({
        language,
        platformName,
        viewer: viewer!,
        credential,
        deliveries: deliveries.items.map((item) => ({ to: item.to, state: item.state, at: item.sentAt ?? item.queuedAt })),
        walletCopies,
        history: await namedEvents({ ctx, events: events.slice(0, 50) }),
        message,
        readOnly: reader.readOnly,
        shortLink: shortLinkOf(credential, ctx.config.publicBaseUrl).link,
        delivery,
        centre: reader.centre,
      }),
      status,
    );
  }

  app.get(
    '/console/credentials/:id',
    { config: { access: 'credentials:read' }, schema: { hide: true, params: credentialParamsSchema, querystring: searchQuerySchema } },
    async (request, reply) => {
      const text = consoleMessages(consoleLanguage(request, reply));
      const messages: Record<string, string> = { redeliver: text.credential.redelivered, issued: text.issue.issued, 'issued-delivered': text.issue.issuedAndQueued, ...text.credential.done };
      return showCredential(request, reply, { centre: request.query.centre, message: messages[request.query.done ?? ''] });
    },
  );

  const lifecycle: Record<LifecycleAction, (input: { principal: Principal; id: string; reason: string }) => Promise<unknown>> = {
    revoke: ({ principal, id, reason }) => revokeCredential({ ctx, principal, id, reason }),
    suspend: ({ principal, id, reason }) => suspendCredential({ ctx, principal, id, reason }),
    unsuspend: ({ principal, id, reason }) => unsuspendCredential({ ctx, principal, id, reason }),
  };
  for (const action of ['revoke', 'suspend', 'unsuspend'] as const) {
    const path = `/console/credentials/:id/${action}`;
    app.get(path, { config: { access: 'credentials:manage' }, schema: { hide: true, params: credentialParamsSchema } }, async (request, reply) => {
      const { language, viewer } = await pageContext(request, reply);
      const { credential } = await loadCredential(request.consoleSession!.principal, request.params.id, language);
      return sendPage(reply, renderLifecycleConfirmPage({ language, platformName, viewer: viewer!, credential, action }));
    });
    app.post(path, { config: { access: 'credentials:manage' }, schema: { hide: true, params: credentialParamsSchema, body: z.object({ _csrf: z.string(), reason: z.string().max(10_000).optional() }) } }, async (request, reply) => {
      const { language, viewer } = await pageContext(request, reply);
      const { principal } = request.consoleSession!;
      const reason = (request.body.reason ?? '').normalize('NFC').trim();
      if (!reason || [...reason].length > 500) {
        const { credential } = await loadCredential(principal, request.params.id, language);
        const error = reason ? consoleMessages(language).credential.reasonTooLong : consoleMessages(language).credential.reasonRequired;
        return sendPage(reply, renderLifecycleConfirmPage({ language, platformName, viewer: viewer!, credential, action, reason, error }), 422);
      }
      await lifecycle[action]({ principal, id: request.params.id, reason });
      return reply.redirect(`/console/credentials/${request.params.id}?lang=${language}&done=${action}`, 303);
    });
  }

  // The offer is shown in the answer to the form, once: its link never goes into a URL of the console.
  app.post(
    '/console/credentials/:id/wallet-offer',
    { config: { access: 'credentials:issue' }, schema: { hide: true, params: credentialParamsSchema, body: z.object({ _csrf: z.string() }) } },
    async (request, reply) => {
      const { language, viewer } = await pageContext(request, reply);
      const { principal } = request.consoleSession!;
      const links = await createCentreOffer({ ctx, principal, id: request.params.id });
      const { credential } = await loadCredential(principal, request.params.id, language);
      const offer = await walletOfferView({ expiresAt: links.expiresAt, links: { oid4vci: links.credentialOffer, vcapi: links.learnerCredentialWallet } });
      return sendPage(reply, renderWalletOfferPage({ language, platformName, viewer: viewer!, credential, offer, link: links.page }));
    },
  );

  app.post(
    '/console/credentials/:id/redeliver',
    { config: { access: 'credentials:issue' }, schema: { hide: true, params: credentialParamsSchema, body: z.object({ _csrf: z.string(), email: z.string().max(1000).optional() }) } },
    async (request, reply) => {
      const language = consoleLanguage(request, reply);
      const email = request.body.email?.trim() || undefined;
      const refused = (error: string) => showCredential(request, reply, { delivery: { email, error }, status: 422 });
      if (email && !z.email().max(254).safeParse(email).success) return refused(consoleMessages(language).credential.emailInvalid);
      try {
        await redeliverCredential({ ctx, principal: request.consoleSession!.principal, id: request.params.id, email });
      } catch (error) {
        if (error instanceof HttpProblem && (error.status === 409 || error.status === 422)) return refused(problemMessage(language, error));
        throw error;
      }
      return reply.redirect(`/console/credentials/${request.params.id}?lang=${language}&done=redeliver`, 303);
    },
  );
};

export default credentialRoutes;
