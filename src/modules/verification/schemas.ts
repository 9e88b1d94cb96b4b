import { z } from 'zod';

const credentialObject = z.record(z.string(), z.unknown(), { message: 'must be the credential as a JSON object' });

export const verifyRequestSchema = z
  .strictObject({
    verifiableCredential: credentialObject.optional().describe('the credential JSON to verify'),
    url: z.string().max(2000).optional().describe('a credential link of this service'),
    id: z.string().max(100).optional().describe('a credential id of this service'),
    code: z.string().max(100).optional().describe('a credential code as printed on a certificate, e.g. EG-7K4Q-92MX-3TRA-K'),
  })
  .refine((body) => [body.verifiableCredential, body.url, body.id, body.code].filter((value) => value !== undefined).length === 1, {
    message: 'send exactly one of verifiableCredential, url, id or code',
  });

const checkSchema = z.object({
  check: z.enum(['proof', 'issuer', 'authorised', 'status', 'validity', 'schema']),
  status: z.enum(['passed', 'failed', 'unknown']),
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const verificationReportSchema = z.object({
  verified: z.boolean(),
  verdict: z.enum(['invalid', 'revoked', 'superseded', 'suspended', 'expired', 'not-yet-valid', 'unrecognised-issuer', 'unknown', 'valid']),
  checkedAt: z.string(),
  credential: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    recipient: z.string().nullable(),
    achievement: z.string().nullable(),
    issuer: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
    validFrom: z.string().nullable(),
    validUntil: z.string().nullable(),
  }),
  checks: z.array(checkSchema),
});

/** Some credential vocabulary must be present for a report to make sense; anything else is a 400. */
export function looksLikeCredential(value: Record<string, unknown>): boolean {
  return ['@context', 'type', 'credentialSubject', 'proof'].some((key) => key in value);
}
