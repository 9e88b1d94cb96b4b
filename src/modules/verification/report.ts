import { asRecord, firstOf } from '../../lib/json.js';
import { validityPeriod } from '../../vc/data-model.js';
import { type Check, type CheckCode, type CredentialSummary, namedIdentity, type Verdict } from '../../vc/verification-report.js';

export type { Check, CheckCode, CheckName, CheckOutcome, CredentialSummary, Verdict, VerificationReport } from '../../vc/verification-report.js';

// The verdict and summary of a verification report (DESIGN.md §5); the report's types are in vc/, where the pages read them.

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


export function summarise(credential: Record<string, unknown>): CredentialSummary {
  const issuer = credential.issuer;
  const subject = asRecord(firstOf(credential.credentialSubject));
  return {
    id: text(credential.id),
    name: text(credential.name),
    recipient: text(namedIdentity(subject)?.identityHash),
    achievement: text(asRecord(subject.achievement).name),
    issuer: typeof issuer === 'string' ? { id: issuer, name: null } : { id: text(asRecord(issuer).id), name: text(asRecord(issuer).name) },
    // a VC 1.1 credential's issuanceDate and expirationDate play these parts
    validFrom: text(validityPeriod(credential).validFrom),
    validUntil: text(validityPeriod(credential).validUntil),
  };
}
