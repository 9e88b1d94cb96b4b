import { z } from 'zod';
import { verifyResponseSchema } from '../vcalm/schemas.js';

const jsonObject = z.record(z.string(), z.unknown(), { message: 'must be a JSON object' });

// VCALM POST /presentations/verify: a VerifyPresentationRequest ({verifiablePresentation, options}) or a
// ProoflessVerifyPresentationRequest ({presentation}), the request's own way of allowing a presentation without a
// proof. Options are checked in the service, so unknown ones get VCALM's UNKNOWN_OPTION_PROVIDED problem type.
export const verifyPresentationRequestSchema = z
  .strictObject({
    verifiablePresentation: jsonObject.optional().describe('the presentation with its proof (authentication purpose, the challenge and domain of options)'),
    presentation: jsonObject.optional().describe('a presentation without a proof: sending it here, not as verifiablePresentation, is how a request allows an unsigned presentation'),
    options: jsonObject
      .optional()
      .describe('challenge (string; required with verifiablePresentation: the one given to the holder), domain (string), returnPresentation (boolean)'),
  })
  .refine((body) => (body.verifiablePresentation === undefined) !== (body.presentation === undefined), {
    message: 'send exactly one of verifiablePresentation (with a proof) or presentation (without one)',
  });

const problemDetails = verifyResponseSchema.shape.problemDetails;
const result = z.object({ verified: z.boolean(), input: z.unknown().optional() });

export const verifyPresentationResponseSchema = z.object({
  verified: z.boolean().describe('true when the presentation\'s proof (or an allowed unsigned presentation), every credential in it and every holder binding verified'),
  verifiablePresentation: jsonObject.optional().describe('the presentation, when options.returnPresentation is true'),
  problemDetails,
  results: z.object({
    presentation: z.object({
      challenge: result.optional(),
      domain: result.optional(),
      holder: result.optional(),
      proof: z.array(result.extend({ problemDetails })).optional(),
    }),
    credentials: z.array(verifyResponseSchema).describe('one VCALM credential result per credential, as POST /credentials/verify answers, holder binding included'),
  }),
});

export type VerifyPresentationResponse = z.infer<typeof verifyPresentationResponseSchema>;
