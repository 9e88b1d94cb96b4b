import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Language } from '../../lib/i18n.js';
import { HttpProblem } from '../../lib/problem.js';
import { type CorrectionForm, renderErasePage, renderReissuePage } from '../../web/console/correction-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { credentialBeforeCorrection, eraseCredential, getCredentialDetails, reissueCredential } from '../credentials/lifecycle.js';
import { type IssueCredentialInput, type ReissueInput, reissueBodySchema } from '../credentials/schemas.js';
import { consoleLanguage } from './access.js';
import { pageContext, problemMessage, sendPage } from './pages.js';
import { courseNames } from './service.js';

const params = z.object({ id: z.string().max(100) });
const correctionBody = z.object({
  _csrf: z.string(),
  name: z.string().max(10_000).optional(),
  email: z.string().max(10_000).optional(),
  narrative: z.string().max(10_000).optional(),
  evidenceUrl: z.string().max(10_000).optional(),
  evidenceName: z.string().max(10_000).optional(),
  evidenceDescription: z.string().max(10_000).optional(),
  validUntil: z.string().max(100).optional(),
  reason: z.string().max(10_000).optional(),
});

const day = (iso: string | undefined) => iso?.slice(0, 10) ?? '';

/** The correction form as the credential has it now (evidence editable when it has at most one piece). */
function formOf(original: IssueCredentialInput): { values: CorrectionForm; evidenceEditable: boolean } {
  const [evidence] = original.evidence ?? [];
  return {
    values: {
      name: original.recipient.name,
      email: original.recipient.email ?? '',
      narrative: original.narrative ?? '',
      evidenceUrl: evidence?.url ?? '',
      evidenceName: evidence?.name ?? '',
      evidenceDescription: evidence?.description ?? '',
      validUntil: day(original.validUntil),
    },
    evidenceEditable: (original.evidence?.length ?? 0) <= 1,
  };
}

/** What the form changes, as the API's reissue body: only what differs from the credential ("cleared" removes it). */
function changesOf(form: CorrectionForm, original: IssueCredentialInput, evidenceEditable: boolean): ReissueInput['changes'] {
  const typed = (value: string | undefined) => value?.trim() ?? '';
  const before = formOf(original).values;
  const differs = (key: keyof CorrectionForm) => typed(form[key]) !== typed(before[key]);
  const evidence = { url: typed(form.evidenceUrl), name: typed(form.evidenceName), description: typed(form.evidenceDescription) };
  const recipient = { ...(differs('name') ? { name: typed(form.name) } : {}), ...(differs('email') && typed(form.email) ? { email: typed(form.email) } : {}) };
  return {
    ...(Object.keys(recipient).length ? { recipient } : {}),
    ...(differs('narrative') ? { narrative: typed(form.narrative) || null } : {}),
    ...(evidenceEditable && (differs('evidenceUrl') || differs('evidenceName') || differs('evidenceDescription'))
      ? { evidence: Object.values(evidence).some(Boolean) ? [Object.fromEntries(Object.entries(evidence).filter(([, value]) => value))] : null }
      : {}),
    ...(differs('validUntil') ? { validUntil: typed(form.validUntil) ? `${typed(form.validUntil)}T23:59:59Z` : null } : {}),
  } as ReissueInput['changes'];
}

// The API's error paths by the form's fields.
const FIELD_OF: Record<string, string> = {
  'changes.recipient.name': 'name',
  'changes.recipient.email': 'email',
  'changes.narrative': 'narrative',
  'changes.evidence.0.url': 'evidenceUrl',
  'changes.evidence.0.name': 'evidenceName',
  'changes.evidence.0.description': 'evidenceDescription',
  'changes.evidence.0': 'evidenceUrl',
  'changes.validUntil': 'validUntil',
  reason: 'reason',
};

function readCorrection(form: CorrectionForm, original: IssueCredentialInput, evidenceEditable: boolean, language: Language): { input?: ReissueInput; errors: { field: string; message: string }[] } {
  const text = consoleMessages(language);
  const messages: Record<string, string> = { ...text.issue.invalid, reason: text.credential.reasonRequired };
  const changes = changesOf(form, original, evidenceEditable);
  if (Object.keys(changes).length === 0) return { errors: [{ field: 'name', message: text.credential.reissueNoChange }] };
  const parsed = reissueBodySchema.safeParse({ changes, reason: form.reason?.trim() ?? '' });
  if (parsed.success) return { input: parsed.data, errors: [] };
  const fields = new Set(parsed.error.issues.map((issue) => FIELD_OF[issue.path.join('.')] ?? FIELD_OF[issue.path.slice(0, 2).join('.')] ?? 'name'));
  return { errors: [...fields].map((field) => ({ field, message: messages[field] ?? text.credential.reissueNoChange })) };
}

// A refusal of the correction service that is about one field is shown there.
const FIELD_OF_PROBLEM: Record<string, string> = { 'reissue-expired': 'validUntil', 'reissue-validity': 'validUntil' };

/** Correcting a credential (reissue) and erasing its learner's data: each a page, then the API's own service. */
const correctionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;
  const access = { access: 'credentials:manage' as const };

  /** The page's context and the credential named as the console names it (with the course's name). */
  async function pageOf<View extends { achievementId: string }>(request: FastifyRequest, reply: FastifyReply, view: View) {
    const { language, viewer } = await pageContext(request, reply);
    const names = await courseNames({ ctx, language });
    return { language, viewer: viewer!, credential: { ...view, courseName: names.get(view.achievementId) ?? view.achievementId } };
  }

  /** A credential to correct, with what it says now (an erased, replaced or revoked one has nothing to correct: 409). */
  async function correctable(request: FastifyRequest, reply: FastifyReply, id: string) {
    const { view, original } = await credentialBeforeCorrection({ ctx, principal: request.consoleSession!.principal, id });
    return { original, ...(await pageOf(request, reply, view)) };
  }

  /** A credential whose learner's data may be erased (any of the centre's; erasing twice is the service's 409). */
  const erasable = async (request: FastifyRequest, reply: FastifyReply, id: string) => pageOf(request, reply, await getCredentialDetails({ ctx, principal: request.consoleSession!.principal, id }));

  app.get('/console/credentials/:id/reissue', { config: access, schema: { hide: true, params } }, async (request, reply) => {
    const { language, viewer, original, credential } = await correctable(request, reply, request.params.id);
    return sendPage(reply, renderReissuePage({ language, platformName, viewer, credential, ...formOf(original) }));
  });

  app.post('/console/credentials/:id/reissue', { config: access, schema: { hide: true, params, body: correctionBody } }, async (request, reply) => {
    const { language, viewer, original, credential } = await correctable(request, reply, request.params.id);
    const { _csrf: _token, ...values } = request.body;
    const { evidenceEditable } = formOf(original);
    const refused = (errors: { field: string; message: string }[]) => sendPage(reply, renderReissuePage({ language, platformName, viewer, credential, values, evidenceEditable, errors }), 422);
    const { input, errors } = readCorrection(values, original, evidenceEditable, language);
    if (!input) return refused(errors);
    try {
      const corrected = await reissueCredential({ ctx, principal: request.consoleSession!.principal, id: request.params.id, input });
      return reply.redirect(`/console/credentials/${corrected.id}?lang=${language}&done=reissued`, 303);
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.status !== 422) throw error;
      return refused([{ field: FIELD_OF_PROBLEM[error.type.slice(error.type.lastIndexOf('/') + 1)] ?? 'name', message: problemMessage(language, error) }]);
    }
  });

  app.get('/console/credentials/:id/erase', { config: access, schema: { hide: true, params } }, async (request, reply) => {
    const { language, viewer, credential } = await erasable(request, reply, request.params.id);
    return sendPage(reply, renderErasePage({ language, platformName, viewer, credential }));
  });

  app.post('/console/credentials/:id/erase', { config: access, schema: { hide: true, params, body: z.object({ _csrf: z.string(), confirm: z.string().max(20).optional() }) } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    if (request.body.confirm !== 'erase') {
      const { viewer, credential } = await erasable(request, reply, request.params.id);
      return sendPage(reply, renderErasePage({ language, platformName, viewer, credential, error: consoleMessages(language).credential.eraseConfirmRequired }), 422);
    }
    await eraseCredential({ ctx, principal: request.consoleSession!.principal, id: request.params.id });
    return reply.redirect(`/console/credentials/${request.params.id}?lang=${language}&done=erased`, 303);
  });
};

export default correctionRoutes;
