import { DATABASE_RETRY_AFTER_SECONDS } from '../db/errors.js';
import type { Language } from '../lib/i18n.js';
import { formatNumber } from './language.js';
import { pageMessages } from './messages/index.js';

/** The facts of a problem a page needs to explain it (the problem+json body, as the API would send it). */
export interface PageProblem {
  status: number;
  type: string;
  [extension: string]: unknown;
}

const slugOf = (type: string) => type.slice(type.lastIndexOf('/') + 1);

/** A size in bytes as people read it: 1 MB, 256 KB. */
export function formatSize(bytes: number, language: Language) {
  return bytes >= 1024 * 1024 ? `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10, language)} MB` : `${formatNumber(Math.round(bytes / 1024), language)} KB`;
}

/** The heading of a problem's page: what happened, where the page can say more than that something needs attention. */
export function problemTitle(problem: PageProblem, language: Language): string {
  const text = pageMessages(language).errors;
  return slugOf(problem.type) === 'credential-withdrawn' ? text.withdrawnTitle : text.title;
}

/**
 * What a problem means for someone on a page, in their language. The API's `detail` is English for developers;
 * pages say the same from the catalogue, keyed by the problem type and its structured extensions.
 */
export function problemText(problem: PageProblem, language: Language, { requestId, uploadLimit }: { requestId: string; uploadLimit: number }): string {
  const text = pageMessages(language).errors;
  const code = typeof problem.code === 'string' ? problem.code : '';
  switch (slugOf(problem.type)) {
    case 'invalid-code':
      return problem.reason === 'check' ? text.codeCheck({ code }) : text.codeFormat({ code });
    case 'unknown-code':
      return text.codeUnknown({ code });
    case 'not-printable':
      return text.notPrintable;
    case 'unknown-credential':
      return text.credentialNotFound;
    case 'credential-withdrawn':
      return text.credentialWithdrawn;
    case 'unknown-offer':
      return text.offerUnknown;
    case 'offer-expired':
      return text.offerExpired;
    case 'offer-used':
      return text.offerUsed;
    case 'credential-not-offerable':
      return text.notOfferable;
    case 'foreign-url':
      return text.foreignUrl;
    case 'nothing-to-verify':
      return text.nothingToVerify;
    case 'too-many-inputs':
      return text.tooManyInputs;
    case 'invalid-json':
      return text.notJson({ reason: typeof problem.reason === 'string' ? problem.reason : '' });
    case 'not-a-credential':
      return text.notCredential;
    case 'invalid-text':
    case 'too-deeply-nested':
      return text.unreadableDocument;
    case 'body-too-large':
      return text.fileTooLarge({ size: formatSize(uploadLimit, language) });
    case 'database-unavailable':
      return text.temporarilyUnavailable({ seconds: formatNumber(DATABASE_RETRY_AFTER_SECONDS, language) });
    case 'rate-limited':
      return text.rateLimited({ seconds: formatNumber(Number(problem.retryAfterSeconds ?? 60), language) });
  }
  if (problem.status === 404) return typeof problem.instance === 'string' && problem.instance.startsWith('/credentials/') ? text.credentialNotFound : text.notFound;
  if (problem.status >= 500) return text.serverError({ requestId });
  return text.badRequest;
}
