import { asRecord } from '../lib/json.js';

// The verification report of DESIGN.md §5: the one shape every verification path returns. The types live in this
// lower layer because the pages (web/) render reports; the verifier that fills them is modules/verification.

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

/** The subject's identity of type `name` given in plain text (how our credentials name their recipient). */
export function namedIdentity(subject: Record<string, unknown>): Record<string, unknown> | undefined {
  const identifiers = Array.isArray(subject.identifier) ? subject.identifier.map(asRecord) : [];
  return identifiers.find((identity) => identity.identityType === 'name' && identity.hashed === false);
}
