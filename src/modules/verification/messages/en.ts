import type { Catalogue } from './types.js';

// English: the reference catalogue; every other language has exactly these keys and parameters.
export const en: Catalogue = {
  'proof.valid': (p) => `The signature is valid: ${p.issuerName ?? 'the issuer'} signed this credential and it has not been changed since.`,
  'proof.invalid': (p) => `The signature does not match: this credential was changed after signing or was not signed by its issuer${p.reason ? ` (${p.reason})` : ''}.`,
  'proof.missing': () => 'The credential carries no signature (proof), so nothing shows who issued it.',
  'key.revoked': (p) => `The key that signed this credential was withdrawn as compromised${p.date ? ` on ${p.date}` : ''}; the signature can no longer be trusted.`,
  'proof.unresolvable': (p) => `The issuer's public key could not be obtained${p.reason ? ` (${p.reason})` : ''}, so the signature could not be checked.`,
  'issuer.recognised': (p) => `${p.issuerName ?? 'The issuer'} is a national centre of the IIOE network on ${p.platformName ?? 'this service'}.`,
  'issuer.suspended': (p) => `${p.issuerName ?? 'The issuer'} is suspended from the IIOE network.`,
  'issuer.unrecognised': (p) => `The issuer ${p.issuerId ?? ''} is not an IIOE national centre of this service.`.replace('  ', ' '),
  'issuer.unreachable': () => 'The list of recognised centres could not be read, so the issuer could not be checked.',
  'issuer.not-checked': () => 'Not checked: the signature did not verify, so the issuer this credential names may not have issued it.',
  'course.authorised': (p) => `The centre is authorised to certify ${p.achievementName ?? 'this course'}.`,
  'course.unauthorised': (p) => `The centre was not authorised to certify ${p.achievementName ?? 'this course'} when it issued this credential.`,
  'course.not-checked': () => 'Not checked: without a valid signature, nothing shows which course the issuer certified.',
  'status.active': () => 'The credential has not been revoked or suspended.',
  'status.revoked': (p) =>
    p.replacement
      ? `The credential was replaced by a corrected one${p.date ? ` on ${p.date}` : ''} and is no longer valid; the current credential is ${p.replacement}.`
      : `The credential was revoked${p.date ? ` on ${p.date}` : ''}${p.reason ? `: ${p.reason}` : ''}.`,
  'status.suspended': (p) => `The credential is suspended${p.until ? ` until ${p.until}` : ''}${p.reason ? `: ${p.reason}` : ''}.`,
  'status.unreadable': (p) => `The revocation status could not be checked${p.reason ? ` (${p.reason})` : ''}, so the credential cannot be confirmed as current.`,
  'status.not-checked': () => 'Not checked: without a valid signature, the credential\'s revocation status means nothing.',
  'validity.current': (p) => (p.validUntil ? `The credential is within its validity period (until ${p.validUntil}).` : 'The credential is in effect and does not expire.'),
  'validity.expired': (p) => `The credential expired on ${p.validUntil}.`,
  'validity.not-yet-valid': (p) => `The credential is not valid before ${p.validFrom}.`,
  'validity.not-checked': () => 'Not checked: without a valid signature, the dates this credential gives cannot be relied on.',
  'schema.ob3': () => 'The credential is a well-formed Open Badges 3.0 credential.',
  'schema.invalid': (p) => `The credential is not a well-formed Open Badges 3.0 credential${p.reason ? `: ${p.reason}` : ''}.`,
};
