import type { Language } from '../lib/i18n.js';
import { asRecord, firstOf } from '../lib/json.js';
import { namedIdentity } from '../vc/verification-report.js';

/**
 * A text of a credential in the reader's language. VC 2.0 lets `name` and `description` be a plain string, a
 * language value object `{"@value", "@language"}` or a list of them: pick the reader's language, else English,
 * else the first one. Anything else (a malformed upload) reads as no text.
 */
export function textIn(value: unknown, language: Language): string | null {
  if (typeof value === 'string') return value;
  const values = (Array.isArray(value) ? value : [value]).filter(
    (entry): entry is { '@value': string; '@language'?: unknown } => Boolean(entry) && typeof entry === 'object' && typeof (entry as Record<string, unknown>)['@value'] === 'string',
  );
  const inLanguage = (code: string) => values.find((entry) => typeof entry['@language'] === 'string' && entry['@language'].toLowerCase().split('-')[0] === code);
  const plain = Array.isArray(value) ? value.find((entry): entry is string => typeof entry === 'string') : undefined;
  return (inLanguage(language) ?? inLanguage('en') ?? values[0])?.['@value'] ?? plain ?? null;
}

/** One piece of evidence (OB 3.0 Evidence): a portfolio, a project, an assessment. */
export interface EvidenceItem {
  name: string | null;
  description: string | null;
  /** the evidence's id as written (any IRI), for showing */
  id: string | null;
  /** the id when it is an http(s) URL, normalised: the only kind of link a page makes of it */
  link: string | null;
}

/** What a credential page shows of a credential besides its verification: who, what, who issued it, when. */
export interface CredentialDescription {
  recipient: string | null;
  course: { name: string | null; description: string | null; criteria: string | null; hours: number | null; level: string | null };
  issuer: { name: string | null };
  validFrom: string | null;
  validUntil: string | null;
  /** what this learner did, in their centre's words (credentialSubject.narrative) */
  narrative: string | null;
  evidence: EvidenceItem[];
}

/** An http(s) URL, normalised; anything else (javascript:, data:, a relative path, a urn) is no link. */
export function httpLink(value: unknown): string | null {
  if (typeof value !== 'string' || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

function evidenceItem(value: unknown, language: Language): EvidenceItem | null {
  const item = asRecord(value);
  const id = typeof item.id === 'string' ? item.id : null;
  const found = { name: textIn(item.name, language), description: textIn(item.description, language) ?? textIn(item.narrative, language), id, link: httpLink(id) };
  return found.name || found.description || found.id ? found : null;
}

/** Reads the description from any credential JSON, defensively: an upload may be malformed in any way. */
export function describeCredential(credential: Record<string, unknown>, language: Language): CredentialDescription {
  const subject = asRecord(firstOf(credential.credentialSubject));
  const achievement = asRecord(subject.achievement);
  const issuer = asRecord(credential.issuer);
  const date = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null);
  return {
    recipient: textIn(namedIdentity(subject)?.identityHash, language) ?? textIn(subject.name, language),
    course: {
      name: textIn(achievement.name, language) ?? textIn(credential.name, language),
      description: textIn(achievement.description, language),
      criteria: textIn(asRecord(achievement.criteria).narrative, language),
      hours: null,
      level: null,
    },
    issuer: { name: textIn(issuer.name, language) },
    validFrom: date(credential.validFrom),
    validUntil: date(credential.validUntil),
    narrative: textIn(subject.narrative, language),
    evidence: (Array.isArray(credential.evidence) ? credential.evidence : [credential.evidence]).map((item) => evidenceItem(item, language)).filter((item) => item !== null),
  };
}
