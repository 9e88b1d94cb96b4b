import type { Language } from '../../lib/i18n.js';
import { isUuid } from '../../lib/ids.js';
import { rejectInputFlaws } from '../../lib/input-limits.js';
import { HttpProblem, problem } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import { type CredentialDescription, describeCredential } from '../../web/credential-text.js';
import { printable, signatureVerified, type StoredCredentialLinks } from '../../web/credential-page.js';
import { formatDate } from '../../web/language.js';
import { credentialUrl } from '../credentials/document.js';
import { getStoredCredential, shortLinkOf } from '../credentials/service.js';
import type { CertificateContent } from '../../web/certificate-pdf.js';
import type { VerificationReport } from '../verification/report.js';
import { looksLikeCredential } from '../verification/schemas.js';
import { catalogueTextsFor } from '../verification/catalogue-texts.js';
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
 * few seconds ago), what the credential says (describeForReader), and its links.
 */
export function credentialPageContent({ ctx, id, language }: { ctx: AppContext; id: string; language: Language }): Promise<CredentialPageContent> {
  // uuids are case-insensitive: one cache entry per credential, however its id was typed
  return ctx.lookups.credentialPages.get(`${id.toLowerCase()} ${language}`, () => freshCredentialPageContent({ ctx, id, language }));
}

/** What the PDF certificate of one of our credentials shows, in the reader's language; refused when it does not hold. */
export async function certificateContent({ ctx, id, language }: { ctx: AppContext; id: string; language: Language }): Promise<CertificateContent> {
  const { report, description, links } = await credentialPageContent({ ctx, id, language });
  if (!printable(report)) throw problem(409, 'not-printable', `The credential is ${report.verdict}: no certificate is printed for it. Its page says why.`);
  return {
    language,
    recipient: description.recipient ?? '',
    course: description.course.name ?? '',
    hours: description.course.hours,
    centre: description.issuer.name ?? '',
    issuedOn: new Date(description.validFrom ?? Date.now()),
    validUntil: description.validUntil ? new Date(description.validUntil) : null,
    code: links.shortCode ?? links.id,
    link: links.shortLink,
  };
}

async function freshCredentialPageContent({ ctx, id, language }: { ctx: AppContext; id: string; language: Language }): Promise<CredentialPageContent> {
  const row = await getStoredCredential({ ctx, id });
  const credential = JSON.parse(row.document) as Record<string, unknown>;
  const report = await verifyForReader({ ctx, credential, language });
  const description = await describeForReader({ ctx, credential, report, language });
  const base = ctx.config.publicBaseUrl;
  return {
    report,
    description,
    links: {
      id: row.id,
      url: credentialUrl(base, row.id),
      shortCode: row.shortCode,
      shortLink: shortLinkOf(row, base).link,
      supersededBy: row.supersededBy && credentialUrl(base, row.supersededBy),
      supersedes: row.supersedes && credentialUrl(base, row.supersedes),
    },
  };
}

/**
 * What a credential says, for a reader. Once its signature has verified, the course and the centre are given as the
 * catalogue writes them in the reader's language (where it has them) with the course's level and hours; a document
 * whose signature failed is shown exactly as it reads, claims and all, with nothing from the catalogue.
 */
async function describeForReader({ ctx, credential, report, language }: { ctx: AppContext; credential: Record<string, unknown>; report: VerificationReport; language: Language }) {
  const description = describeCredential(credential, language);
  if (!signatureVerified(report)) return description;
  const texts = await catalogueTextsFor({ ctx, credential, language });
  Object.assign(description.course, { level: texts.level, hours: texts.hours }, texts.course);
  if (texts.centreName) description.issuer.name = texts.centreName;
  return description;
}

/** What a visitor gave the verify page: a code or a link, or a credential's JSON (pasted or uploaded). */
export interface VerifySubmission {
  code?: string;
  json?: string;
}

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
  if (code && json) throw problem(400, 'too-many-inputs', 'Send one thing to verify: a code or link, or a credential\'s JSON.');
  if (code) {
    const reference = /^https?:\/\//i.test(code) ? { url: code } : isUuid(code) ? { id: code } : { code };
    const credentialId = await ownCredentialId({ ctx, ...reference });
    // a link or id of no credential is explained here, on the form, rather than by the page it would lead to
    const row = await getStoredCredential({ ctx, id: credentialId }).catch((error: unknown) => {
      throw error instanceof HttpProblem && error.status === 404 ? problem(404, 'unknown-credential', (error as Error).message) : error;
    });
    return { credentialId: row.id };
  }
  if (!json) throw problem(400, 'nothing-to-verify', 'Enter a code or link, or paste or upload a credential.');
  let credential: unknown;
  try {
    credential = JSON.parse(json);
  } catch (error) {
    const reason = (error as Error).message;
    throw problem(400, 'invalid-json', `The credential is not valid JSON: ${reason}`, { reason });
  }
  if (!credential || typeof credential !== 'object' || Array.isArray(credential) || !looksLikeCredential(credential as Record<string, unknown>)) {
    throw problem(422, 'not-a-credential', 'The JSON is not a credential: it has none of @context, type, credentialSubject or proof.');
  }
  // the same refusal as the API's input guard, which cannot see JSON that arrives as a form field's text
  rejectInputFlaws(credential, 'credential');
  const document = credential as Record<string, unknown>;
  const report = await verifyForReader({ ctx, credential: document, language });
  return { report, description: await describeForReader({ ctx, credential: document, report, language }) };
}
