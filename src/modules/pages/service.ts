import type { Language } from '../../lib/i18n.js';
import { isUuid } from '../../lib/ids.js';
import { HttpProblem, problemType } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import { type CredentialDescription, describeCredential } from '../../web/credential-text.js';
import type { StoredCredentialLinks } from '../../web/credential-page.js';
import { formatDate } from '../../web/language.js';
import { credentialUrl } from '../credentials/document.js';
import { getStoredCredential } from '../credentials/service.js';
import type { VerificationReport } from '../verification/report.js';
import { looksLikeCredential } from '../verification/schemas.js';
import { ownCredentialId, verifyCredential } from '../verification/service.js';

export interface CredentialPageContent {
  report: VerificationReport;
  description: CredentialDescription;
  links: StoredCredentialLinks;
}

/** Verifies any credential for a reader: check messages in their language, dates the way they write them. */
export function verifyForReader({ ctx, credential, language }: { ctx: AppContext; credential: Record<string, unknown>; language: Language }) {
  return verifyCredential({ ctx, credential, language, formatDate: (date, precision) => formatDate(date, language, precision === 'instant') });
}

/**
 * Everything the page of one of our credentials shows, through the short cache: the report (verified now, or a
 * few seconds ago), what the credential says, and its links. Course and centre names come in the reader's language when the catalogue has
 * them for the version the credential was issued under; otherwise as the credential carries them.
 */
export function credentialPageContent({ ctx, id, language }: { ctx: AppContext; id: string; language: Language }): Promise<CredentialPageContent> {
  return ctx.lookups.credentialPages.get(`${id} ${language}`, () => freshCredentialPageContent({ ctx, id, language }));
}

async function freshCredentialPageContent({ ctx, id, language }: { ctx: AppContext; id: string; language: Language }): Promise<CredentialPageContent> {
  const row = await getStoredCredential({ ctx, id });
  const credential = JSON.parse(row.document) as Record<string, unknown>;
  const [report, course, centre] = await Promise.all([
    verifyForReader({ ctx, credential, language }),
    ctx.lookups.courseVersion(`${row.achievementId}@${row.achievementVersion}`),
    ctx.lookups.centre(row.centreId),
  ]);
  const description = describeCredential(credential, language);
  if (course) {
    description.course.hours = course.hours;
    description.course.level = course.level;
    const [name, about, criteria] = [course.name[language], course.description[language], course.criteria[language]];
    if (language !== row.language && name && about && criteria) Object.assign(description.course, { name, description: about, criteria });
  }
  const centreName = centre?.name[language];
  if (language !== row.language && centreName) description.issuer.name = centreName;
  const base = ctx.config.publicBaseUrl;
  return {
    report,
    description,
    links: {
      id: row.id,
      url: credentialUrl(base, row.id),
      shortCode: row.shortCode,
      shortLink: row.shortCode ? `${base}/v/${row.shortCode}` : credentialUrl(base, row.id),
      supersededBy: row.supersededBy && credentialUrl(base, row.supersededBy),
      supersedes: row.supersedes && credentialUrl(base, row.supersedes),
    },
  };
}

/** What a visitor gave the verify page: a code or a link, or a credential's JSON (pasted or uploaded). */
export interface VerifySubmission {
  code?: string;
  json?: string;
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 422: 'Unprocessable Content' };
const pageProblem = (status: number, slug: string, detail: string, extensions?: Record<string, unknown>) =>
  new HttpProblem({ status, type: problemType(slug), title: TITLES[status] ?? 'Bad Request', detail, extensions });

/**
 * POST /verify: a code, link or id names one of our credentials (the answer is its page); JSON is verified as given
 * (a tampered copy must show as tampered, whatever the stored original says). Bad input is a problem the page explains.
 */
export async function verifySubmission({
  ctx,
  submission,
  language,
}: {
  ctx: AppContext;
  submission: VerifySubmission;
  language: Language;
}): Promise<{ credentialId: string } | { report: VerificationReport; description: CredentialDescription }> {
  const code = submission.code?.trim() ?? '';
  const json = submission.json?.trim() ?? '';
  if (code && json) throw pageProblem(400, 'too-many-inputs', 'Send one thing to verify: a code or link, or a credential\'s JSON.');
  if (code) {
    const reference = /^https?:\/\//i.test(code) ? { url: code } : isUuid(code) ? { id: code } : { code };
    const credentialId = await ownCredentialId({ ctx, ...reference });
    // a link or id of no credential is explained here, on the form, rather than by the page it would lead to
    await getStoredCredential({ ctx, id: credentialId }).catch((error: unknown) => {
      throw error instanceof HttpProblem && error.status === 404 ? pageProblem(404, 'unknown-credential', (error as Error).message) : error;
    });
    return { credentialId };
  }
  if (!json) throw pageProblem(400, 'nothing-to-verify', 'Enter a code or link, or paste or upload a credential.');
  let credential: unknown;
  try {
    credential = JSON.parse(json);
  } catch (error) {
    const reason = (error as Error).message;
    throw pageProblem(400, 'invalid-json', `The credential is not valid JSON: ${reason}`, { reason });
  }
  if (!credential || typeof credential !== 'object' || Array.isArray(credential) || !looksLikeCredential(credential as Record<string, unknown>)) {
    throw pageProblem(422, 'not-a-credential', 'The JSON is not a credential: it has none of @context, type, credentialSubject or proof.');
  }
  const document = credential as Record<string, unknown>;
  return { report: await verifyForReader({ ctx, credential: document, language }), description: describeCredential(document, language) };
}
