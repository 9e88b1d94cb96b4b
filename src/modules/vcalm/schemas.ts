import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown(), { message: 'must be a JSON object' });

// VCALM: option objects are closed ("MUST throw an error if an endpoint receives … options … it does
// not understand"); unknown options are reported with the spec's UNKNOWN_OPTION_PROVIDED problem type.
export const issueRequestSchema = z.strictObject({
  credential: jsonObject.describe('the unsigned credential; issuer may be omitted and is then the caller\'s centre'),
  options: jsonObject.optional().describe('credentialId (string); mandatoryPointers is not applicable to eddsa-rdfc-2022'),
});

export const issueResponseSchema = z.object({ verifiableCredential: jsonObject });

export const verifyRequestSchema = z.strictObject({
  verifiableCredential: jsonObject.describe('the secured credential to verify'),
  options: jsonObject.optional().describe('returnResults, returnProblemDetails (default true), returnCredential: booleans'),
});

const vcalmProblemSchema = z.object({ type: z.string(), title: z.string(), detail: z.string().optional() });

const checkResultSchema = z.object({ verified: z.boolean(), input: z.unknown().optional() });

export const verifyResponseSchema = z.object({
  verified: z.boolean(),
  credential: jsonObject.optional(),
  problemDetails: z.array(vcalmProblemSchema).optional(),
  results: z
    .object({
      proof: z.array(checkResultSchema).optional(),
      validFrom: checkResultSchema.optional(),
      validUntil: checkResultSchema.optional(),
      credentialStatus: z.array(checkResultSchema.extend({ value: z.unknown().optional() })).optional(),
    })
    .optional(),
});

export type VcalmProblem = z.infer<typeof vcalmProblemSchema>;
