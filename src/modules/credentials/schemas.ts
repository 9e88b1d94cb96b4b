import { z } from 'zod';
import { readShortCode } from '../../lib/short-code.js';
import { pageQuerySchema } from '../../lib/pagination.js';
import { languageSchema } from '../../lib/schemas.js';
import { httpUrlSchema } from '../../lib/urls.js';

// Control characters and bidirectional overrides/isolates could hide or reorder what a verifier reads;
// joiners (ZWJ/ZWNJ) stay allowed because Arabic-script and Indic names need them.
export const FORBIDDEN_IN_NAMES = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\uFEFF]/u;

export const MAX_NAME_LENGTH = 200;

/** A display text: NFC-normalised and trimmed, not empty, bounded, without control characters. */
export const displayText = (max: number) =>
  z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty or only whitespace')
        .refine((value) => [...value].length <= max, `must be at most ${max} characters`)
        .refine((value) => !FORBIDDEN_IN_NAMES.test(value), 'must not contain control or bidirectional-override characters'),
    );

// PostgreSQL's timestamps (and the xsd:dateTime of signed documents) have no year 0: the instant, in UTC, must
// fall within the years 1 to 9999 (0001-01-01T00:00:00+01:00 is still in year 0 in UTC).
// (A value that is no date-time at all is the format check's to report, once.)
const storableInstant = (value: string) => {
  const year = new Date(value).getUTCFullYear();
  return Number.isNaN(year) || (year >= 1 && year <= 9999);
};

export const rfc3339 = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 date-time with a time zone, e.g. 2026-11-23T08:00:00Z' })
  .refine(storableInstant, 'must fall within the years 0001 to 9999 (in UTC)');

const didSchema = z
  .string()
  .max(500, 'must be at most 500 characters')
  // DID syntax (W3C DID 1.0 §3.1): a '%' only as a percent-escape of two hex digits; a lone one made a DID this
  // schema took but the signed credential's URI check refused (a 500 the fuzzer found)
  .regex(/^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/, 'must be a DID such as did:key:z6Mk… or did:web:example.org');

export const recipientSchema = z.strictObject({
  name: displayText(MAX_NAME_LENGTH).describe('the learner\'s name as it must appear on the credential'),
  email: z.email('must be an email address').max(254).optional().describe('kept for delivery only; never put in the credential'),
  did: didSchema.optional().describe('the learner\'s DID, placed in credentialSubject.id'),
});

const evidenceSchema = z
  .strictObject({
    url: httpUrlSchema.optional().describe('an http(s) link to the work; normalised as a browser would (spaces percent-encoded, an international domain in xn-- form)'),
    name: displayText(200).optional(),
    description: displayText(2000).optional(),
  })
  .refine((evidence) => Object.keys(evidence).length > 0, 'give at least one of url, name, description');

/** The centre's own learner or enrolment id: with the course, it names one credential of the centre. */
export const externalIdSchema = displayText(200).describe(
  'the centre\'s own learner or enrolment id: a second request (or batch row) with the same externalId and course issues nothing new',
);

export const issueCredentialBodySchema = z
  .strictObject({
    achievementId: z.uuid('must be a course id from GET /achievements'),
    recipient: recipientSchema,
    validFrom: rfc3339.optional().describe('defaults to the time of issuance'),
    validUntil: rfc3339.optional().describe('no expiry when absent'),
    narrative: displayText(2000).optional().describe('what this learner did, in the credential\'s language'),
    evidence: z.array(evidenceSchema).max(20, 'at most 20 evidence items').optional(),
    language: languageSchema.optional().describe('language of the credential texts; defaults to the centre\'s language'),
    externalId: externalIdSchema.optional(),
    deliver: z.boolean().optional().describe('e-mail the credential to recipient.email once it is issued (delivery never undoes issuance)'),
  })
  .refine((body) => !body.deliver || body.recipient.email, { path: ['deliver'], message: 'needs recipient.email: there is no address to deliver to' })
  .refine((body) => !body.validFrom || !body.validUntil || Date.parse(body.validUntil) > Date.parse(body.validFrom), {
    path: ['validUntil'],
    message: 'must be later than validFrom',
  })
  .refine((body) => !body.validUntil || Date.parse(body.validUntil) > Date.now(), {
    path: ['validUntil'],
    message: 'is in the past: the credential would be born expired',
  });

export type IssueCredentialInput = z.output<typeof issueCredentialBodySchema>;

export const idempotencyKeyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1-255 visible ASCII characters, e.g. a UUID')
    .optional()
    .describe('makes retries safe: the same key and body return the same credential'),
})
  // Loose: validation output replaces request.headers, and the other headers (Authorization) must survive.
  .loose();

export const issuedCredentialSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  verifiableCredential: z.record(z.string(), z.unknown()),
});

const reasonSchema = displayText(500).describe('why: recorded in the audit trail (and, for a revocation, shown to verifiers of our own reports)');

/** The path of every route about one credential, API and public alike. */
export const credentialParamsSchema = z.object({ id: z.string().max(100).describe('the credential\'s uuid') });

/** The body of a revocation or of lifting a suspension: only why. */
export const reasonBodySchema = z.strictObject({ reason: reasonSchema });
export const suspendBodySchema = z
  .strictObject({ reason: reasonSchema, until: rfc3339.optional().describe('the suspension lifts itself at this time; indefinite when absent') })
  .refine((body) => !body.until || Date.parse(body.until) > Date.now(), { path: ['until'], message: 'must be in the future' });

export const reissueBodySchema = z.strictObject({
  changes: z
    .strictObject({
      recipient: recipientSchema.partial().optional().describe('the corrected name (or email, DID); the rest is kept'),
      narrative: displayText(2000).nullable().optional().describe('null removes it'),
      evidence: z.array(evidenceSchema).max(20, 'at most 20 evidence items').nullable().optional().describe('replaces the evidence; null removes it'),
      validUntil: rfc3339.nullable().optional().describe('null: no expiry'),
    })
    .refine((changes) => Object.values(changes).some((value) => value !== undefined), 'give at least one change: recipient, narrative, evidence or validUntil')
    .refine((changes) => !changes.recipient || Object.keys(changes.recipient).length > 0, { path: ['recipient'], message: 'give the corrected name, email or did' }),
  reason: reasonSchema,
});
export type ReissueInput = z.output<typeof reissueBodySchema>;

// Erasing cannot be undone: the body must say so in words, so that a stray or mistaken POST erases nothing.
const ERASE_CONFIRMATION = 'send {"confirm": "erase"} to erase the learner\'s personal data for good';
export const eraseBodySchema = z.strictObject(
  {
    confirm: z.literal('erase', { error: `must be "erase": ${ERASE_CONFIRMATION}` }).describe('the word "erase": erasure cannot be undone'),
  },
  { error: ERASE_CONFIRMATION },
);

export const credentialStates = ['active', 'suspended', 'revoked', 'superseded', 'expired', 'erased'] as const;

export const credentialListQuerySchema = pageQuerySchema.extend({
  achievementId: z.uuid('must be a course id').optional(),
  status: z.enum(credentialStates).optional(),
  recipient: z.string().trim().min(1).max(200).optional().describe('part of the recipient\'s name, any case'),
  email: z.string().trim().min(1).max(254).optional().describe('the recipient\'s e-mail address, any case (exact)'),
  code: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((value, context) => {
      if (!value) return undefined;
      const reading = readShortCode(value);
      if (reading.valid) return reading.code;
      context.addIssue({ code: 'custom', message: 'not a credential code (two letters, then 13 characters, e.g. EG-7K4Q-92MX-3TRA-K)' });
      return z.NEVER;
    })
    .describe('the short code printed on the certificate'),
  issuedFrom: rfc3339.optional().describe('issued at or after'),
  issuedTo: rfc3339.optional().describe('issued before'),
});
export type CredentialListQuery = z.output<typeof credentialListQuerySchema>;

const timestampOrNull = z.string().nullable();
export const credentialViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  achievementId: z.uuid(),
  achievementVersion: z.number().int(),
  recipient: z.object({ name: z.string(), email: z.string().nullable(), did: z.string().nullable() }),
  language: z.string(),
  issuedAt: z.string(),
  validFrom: z.string(),
  validUntil: timestampOrNull,
  status: z.enum(credentialStates),
  shortCode: z.string().nullable().describe('the typable code printed on the certificate; GET /v/<code> opens the credential'),
  statusEntry: z.object({ statusListCredential: z.string(), statusListIndex: z.string() }).nullable(),
  revocation: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
  suspension: z.object({ at: z.string(), until: timestampOrNull, reason: z.string().nullable() }).nullable(),
  supersedes: z.object({ id: z.uuid(), url: z.string() }).nullable(),
  supersededBy: z.object({ id: z.uuid(), url: z.string() }).nullable(),
  erasedAt: timestampOrNull.describe('when the learner\'s personal data were erased at their request (the name is then "", email and did null)'),
});

