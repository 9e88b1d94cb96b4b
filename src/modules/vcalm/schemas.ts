import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown(), { message: 'must be a JSON object' });

// VCALM: option objects are closed ("MUST throw an error if an endpoint receives … options … it does
// not understand"); unknown options are reported with the spec's UNKNOWN_OPTION_PROVIDED problem type.
// The known options are typed here (and so documented); the object stays open so that an unknown one reaches the
// service, which answers it with UNKNOWN_OPTION_PROVIDED rather than a generic validation error.
const issueOptionsSchema = z
  .looseObject({
    credentialId: z.string().optional().describe('VCALM: an identifier for the credential in this API, for when credential.id is not set; recorded with the issuance'),
    credentialStatus: z
      .strictObject({
        type: z.literal('BitstringStatusListEntry', { message: 'must be "BitstringStatusListEntry"' }),
        statusPurpose: z.literal('revocation', { message: 'must be "revocation" (suspension is a hold this service keeps itself)' }).optional(),
      })
      .optional()
      .describe(
        'Ask for a BitstringStatusListEntry (revocation) from the centre\'s lists, for any VC 2.0 credential (leave credential.credentialStatus out: the service adds the entry). A credential of an IIOE course the centre is authorised for always gets one; any other credential gets one when asked and is then kept (with `id` urn:uuid:<uuid> added when it has neither id nor options.credentialId) so that POST /credentials/status can revoke it. A VC 1.1 credential never gets one (400 status-entry-unavailable)',
      ),
    created: z.string().optional().describe('the proof\'s created time, an XML Schema dateTimeStamp such as "2025-01-01T00:00:00Z", not in the future; default: the time of signing'),
    securing: z
      .enum(['data-integrity', 'vc-jwt'], { message: 'must be "data-integrity" or "vc-jwt"' })
      .optional()
      .describe(
        'data-integrity: an embedded DataIntegrityProof, eddsa-rdfc-2022. vc-jwt: VC-JOSE-COSE, the response\'s verifiableCredential is an EnvelopedVerifiableCredential (id data:application/vc+jwt,<JWT signed EdDSA with the same key>); VC 2.0 only, not with created. Default: the centre\'s setting (data-integrity unless changed). A stored course credential keeps its Data Integrity copy (its page and JSON); the envelope holds the same credential and status entry',
      ),
    mandatoryPointers: z.array(z.string()).optional().describe('VCALM: for selective-disclosure cryptosuites only; refused, this issuer signs with eddsa-rdfc-2022'),
  })
  .describe('VCALM IssueCredentialOptions and this issuer\'s extensions; challenge and domain are presentation options and are refused like any other unknown option (400 UNKNOWN_OPTION_PROVIDED)');

export type IssueOptions = z.infer<typeof issueOptionsSchema>;

export const issueRequestSchema = z.strictObject({
  credential: jsonObject.describe(
    'the unsigned credential: VC Data Model 2.0, or 1.1 (first @context "https://www.w3.org/2018/credentials/v1", issuanceDate required), which is signed as given with the Data Integrity context added and no status entry, so it cannot be revoked; issuer may be omitted and is then the caller\'s centre',
  ),
  options: issueOptionsSchema.optional(),
});

export const issueResponseSchema = z.object({
  verifiableCredential: jsonObject.describe('the credential with its DataIntegrityProof (a one-element proof array); a VC 1.1 credential has no credentialStatus and cannot be revoked'),
});

export const updateStatusRequestSchema = z
  .strictObject({
    credentialId: z.string().min(1).max(2048).describe('the credential: its `id`, the options.credentialId it was issued with, or (course credentials) its uuid or public URL'),
    credentialStatus: z
      .strictObject({
        // the specification's own example writes the list's type; both name the one mechanism
        type: z.enum(['BitstringStatusListEntry', 'BitstringStatusList'], { message: 'must be "BitstringStatusListEntry"' }),
        statusPurpose: z.literal('revocation', { message: 'must be "revocation" (the one status purpose of this service\'s lists)' }),
        id: z.string().optional(),
        statusListIndex: z.string().optional(),
        statusListCredential: z.string().optional(),
      })
      .describe('the entry to update; id, statusListIndex and statusListCredential, when given, must be the credential\'s own'),
    status: z.boolean().describe('true sets the revocation bit; false is refused (400 revocation-is-final): revocation is final'),
    indexAllocator: z.string().optional().describe('VCALM: accepted and ignored (this service allocates its own entries)'),
  })
  .describe('VCALM UpdateCredentialStatusRequest');

export type UpdateStatusRequest = z.infer<typeof updateStatusRequestSchema>;

export const updateStatusResponseSchema = z.object({
  credentialId: z.string(),
  status: z.literal(true),
  credentialStatus: jsonObject.optional().describe('the entry whose bit is now set (absent for a course credential issued before status lists)'),
});

export const verifyRequestSchema = z.strictObject({
  verifiableCredential: jsonObject.describe(
    'the secured credential to verify: with an embedded proof (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020), or an EnvelopedVerifiableCredential {"@context": "https://www.w3.org/ns/credentials/v2", "id": "data:application/vc+jwt,<JWT>", "type": "EnvelopedVerifiableCredential"} (VC-JOSE-COSE), whose JWT payload is the credential the data-model rules apply to; results.proof[].input is then the JWS protected header',
  ),
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
