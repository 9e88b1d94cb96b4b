import { asRecord, firstOf } from '../../lib/json.js';

/** The verification report of DESIGN.md §5: the one shape every verification path returns. */

export type CheckName = 'proof' | 'issuer' | 'authorised' | 'status' | 'validity' | 'schema';
export type CheckOutcome = 'passed' | 'failed' | 'unknown';

export type CheckCode =
  | 'proof.valid'
  | 'proof.invalid'
  | 'proof.missing'
  | 'key.revoked'
  | 'proof.unresolvable'
  | 'issuer.recognised'
  | 'issuer.suspended'
  | 'issuer.unrecognised'
  | 'issuer.unreachable'
  | 'issuer.not-checked'
  | 'course.authorised'
  | 'course.unauthorised'
  | 'course.not-checked'
  | 'status.active'
  | 'status.revoked'
  | 'status.suspended'
  | 'status.unreadable'
  | 'status.not-checked'
  | 'validity.current'
  | 'validity.expired'
  | 'validity.not-yet-valid'
  | 'validity.not-checked'
  | 'schema.ob3'
  | 'schema.invalid';

export interface Check {
  check: CheckName;
  status: CheckOutcome;
  code: CheckCode;
  message: string;
  /** structured facts behind the message (dates, reasons, field errors), for machines and translations */
  details?: Record<string, unknown>;
}

export type Verdict =
  | 'invalid'
  | 'revoked'
  | 'superseded'
  | 'suspended'
  | 'expired'
  | 'not-yet-valid'
  | 'unrecognised-issuer'
  | 'unknown'
  | 'valid';

export interface CredentialSummary {
  id: string | null;
  name: string | null;
  recipient: string | null;
  achievement: string | null;
  issuer: { id: string | null; name: string | null };
  validFrom: string | null;
  validUntil: string | null;
}

export interface VerificationReport {
  verified: boolean;
  verdict: Verdict;
  checkedAt: string;
  credential: CredentialSummary;
  checks: Check[];
}

const failedWith = (checks: Check[], ...codes: CheckCode[]) =>
  checks.some((check) => check.status === 'failed' && codes.includes(check.code));

/** One verdict for people, in the precedence of DESIGN.md §5. */
export function verdictOf(checks: Check[]): Verdict {
  if (checks.some((check) => (check.check === 'proof' || check.check === 'schema') && check.status === 'failed')) return 'invalid';
  if (failedWith(checks, 'status.revoked')) {
    const revoked = checks.find((check) => check.code === 'status.revoked');
    return revoked?.details?.supersededBy ? 'superseded' : 'revoked';
  }
  if (failedWith(checks, 'status.suspended')) return 'suspended';
  if (failedWith(checks, 'validity.expired')) return 'expired';
  if (failedWith(checks, 'validity.not-yet-valid')) return 'not-yet-valid';
  if (failedWith(checks, 'issuer.unrecognised', 'issuer.suspended', 'course.unauthorised') && checks.some((check) => check.check === 'proof' && check.status === 'passed')) return 'unrecognised-issuer';
  if (checks.some((check) => check.status !== 'passed')) return 'unknown';
  return 'valid';
}

// Fields are read defensively: a report is produced for any JSON object, however malformed.
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The subject's identity of type `name` given in plain text (how our credentials name their recipient). */
export function namedIdentity(subject: Record<string, unknown>): Record<string, unknown> | undefined {
  const identifiers = Array.isArray(subject.identifier) ? subject.identifier.map(asRecord) : [];
  return identifiers.find((identity) => identity.identityType === 'name' && identity.hashed === false);
}

export function summarise(credential: Record<string, unknown>): CredentialSummary {
  const issuer = credential.issuer;
  const subject = asRecord(firstOf(credential.credentialSubject));
  return {
    id: text(credential.id),
    name: text(credential.name),
    recipient: text(namedIdentity(subject)?.identityHash),
    achievement: text(asRecord(subject.achievement).name),
    issuer: typeof issuer === 'string' ? { id: issuer, name: null } : { id: text(asRecord(issuer).id), name: text(asRecord(issuer).name) },
    validFrom: text(credential.validFrom),
    validUntil: text(credential.validUntil),
  };
}
