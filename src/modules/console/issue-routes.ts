import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Language } from '../../lib/i18n.js';
import { HttpProblem } from '../../lib/problem.js';
import { credentialDetails } from '../../web/credential-page.js';
import { describeCredential } from '../../web/credential-text.js';
import { ISSUE_FIELDS, type IssueField, type IssueForm, renderIssueForm, renderIssuePreview } from '../../web/console/issue-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { type IssueCredentialInput, issueCredentialBodySchema } from '../credentials/schemas.js';
import { issueCredential, previewCredential } from '../credentials/service.js';
import { pageContext, problemMessage, sendPage } from './pages.js';
import { courseOptions } from './service.js';

const issueBody = z.object({
  _csrf: z.string(),
  step: z.enum(['preview', 'edit', 'issue']).default('preview'),
  ...Object.fromEntries(ISSUE_FIELDS.map((name) => [name, z.string().max(10_000).optional()])),
}) as z.ZodType<{ _csrf: string; step: 'preview' | 'edit' | 'issue' } & IssueForm>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The form as the API's issue request: the same schema judges both. Empty fields are absent. */
function issueRequest(form: IssueForm) {
  const given = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const evidence = { url: given(form.evidenceUrl), name: given(form.evidenceName), description: given(form.evidenceDescription) };
  const validUntil = given(form.validUntil);
  return {
    achievementId: given(form.course) ?? '',
    recipient: { name: form.name?.trim() ?? '', ...(given(form.email) ? { email: given(form.email) } : {}) },
    ...(given(form.language) ? { language: given(form.language) } : {}),
    ...(given(form.narrative) ? { narrative: given(form.narrative) } : {}),
    ...(Object.values(evidence).some(Boolean) ? { evidence: [Object.fromEntries(Object.entries(evidence).filter(([, value]) => value))] } : {}),
    // a date on a certificate means the whole day, in UTC like the rest of the service
    ...(validUntil ? { validUntil: DAY.test(validUntil) ? `${validUntil}T23:59:59Z` : validUntil } : {}),
    ...(given(form.externalId) ? { externalId: given(form.externalId) } : {}),
    deliver: form.deliver === 'on',
  };
}

// The API's error paths by the form's fields (evidence is the form's one item).
const FIELD_OF: Record<string, IssueField> = {
  achievementId: 'course',
  'recipient.name': 'name',
  'recipient.email': 'email',
  language: 'language',
  narrative: 'narrative',
  'evidence.0.url': 'evidenceUrl',
  'evidence.0.name': 'evidenceName',
  'evidence.0.description': 'evidenceDescription',
  'evidence.0': 'evidenceUrl',
  validUntil: 'validUntil',
  externalId: 'externalId',
  deliver: 'deliver',
};

// A service's refusal that is about one field is shown at that field.
const FIELD_OF_PROBLEM: Record<string, IssueField> = { 'unknown-achievement': 'course', 'language-unavailable': 'language', 'already-issued': 'externalId' };

type FormErrors = { field: string; message: string }[];

/** The form's input for the services, or its errors in the reader's words, each at its field. */
function readIssueForm(form: IssueForm, language: Language, now: Date): { input?: IssueCredentialInput; errors: FormErrors } {
  const invalid = consoleMessages(language).issue.invalid;
  const request = issueRequest(form);
  const parsed = issueCredentialBodySchema.safeParse(request);
  const fields = parsed.success ? [] : parsed.error.issues.map((issue) => FIELD_OF[issue.path.join('.')] ?? FIELD_OF[String(issue.path[0])]);
  // the API takes a past expiry (a record of an old course); a person issuing today means a date to come
  if (request.validUntil && Date.parse(request.validUntil) <= now.getTime()) fields.push('validUntil');
  const errors = [...new Set(fields.filter((name): name is IssueField => name !== undefined))].map((name) => ({ field: name, message: invalid[name] }));
  if (!parsed.success && errors.length === 0) errors.push({ field: 'course', message: invalid.course });
  return errors.length || !parsed.success ? { errors } : { input: parsed.data, errors };
}

/** A service's refusal as a form error: at its field where it is about one, else in the summary. */
function problemAsErrors(problem: HttpProblem, language: Language): FormErrors {
  const slug = problem.type.slice(problem.type.lastIndexOf('/') + 1);
  return [{ field: FIELD_OF_PROBLEM[slug] ?? 'course', message: problemMessage(language, problem) }];
}

/**
 * Issue one: the form, a preview of the credential page before anything is signed, then issuance through the API's
 * own service (the same checks, the same transaction) and the credential's console page with its link, code and QR.
 */
const issueRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;

  app.get(
    '/console/issue',
    { config: { access: 'credentials:issue' }, schema: { hide: true, querystring: z.object({ lang: z.string().max(100).optional(), remember: z.string().max(100).optional(), course: z.string().max(100).optional() }) } },
    async (request, reply) => {
      const { language, viewer } = await pageContext(request, reply);
      const courses = await courseOptions({ ctx, centreId: request.consoleSession!.principal.centreId, language });
      return sendPage(reply, renderIssueForm({ language, platformName, viewer: viewer!, courses, values: { course: request.query.course, deliver: 'on' } }));
    },
  );

  app.post('/console/issue', { config: { access: 'credentials:issue' }, schema: { hide: true, body: issueBody } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { principal } = request.consoleSession!;
    const { _csrf: _token, step, ...values } = request.body;
    const showForm = async (errors: FormErrors = []) => {
      const courses = await courseOptions({ ctx, centreId: principal.centreId, language });
      return sendPage(reply, renderIssueForm({ language, platformName, viewer: viewer!, courses, values, errors }), errors.length ? 422 : 200);
    };
    if (step === 'edit') return showForm();
    const { input, errors } = readIssueForm(values, language, ctx.clock.now());
    if (!input) return showForm(errors);
    try {
      if (step === 'preview') {
        const preview = await previewCredential({ ctx, principal, input });
        const description = describeCredential(preview.document, preview.language);
        // shown as its page will show it once signed: verified, and issued by a centre of this registry that may issue
        const details = credentialDetails({ description, language: preview.language, platformName, verified: true, issuerCode: 'issuer.recognised' });
        return sendPage(reply, renderIssuePreview({ language, platformName, viewer: viewer!, values, credentialLanguage: preview.language, details }));
      }
      const issued = await issueCredential({ ctx, principal, input });
      return reply.redirect(`/console/credentials/${issued.id}?lang=${language}&done=${input.deliver ? 'issued-delivered' : 'issued'}`, 303);
    } catch (error) {
      if (error instanceof HttpProblem && (error.status === 409 || error.status === 422 || error.status === 403)) return showForm(problemAsErrors(error, language));
      throw error;
    }
  });
};

export default issueRoutes;
