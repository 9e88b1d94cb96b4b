import { z } from 'zod';
import { jsonLdDocumentSchema } from '../../lib/schemas.js';
import { CREDENTIAL_CONFIGURATION_ID } from './service.js';

/** What the OAuth and OpenID4VCI endpoints answer on failure (RFC 6749 §5.2, RFC 6750 §3, OpenID4VCI 1.0 §8.3.1). */
export const walletErrorSchema = z.object({ error: z.string(), error_description: z.string() });

export const metadataSchema = z.record(z.string(), z.unknown());

export const nonceResponseSchema = z.object({
  c_nonce: z.string().describe('to put in the key proof\'s nonce claim; single use'),
  c_nonce_expires_in: z.number().int().describe('seconds the nonce stays usable'),
});

// Members are typed for the description; the service says precisely what is wrong with a request that is not right.
export const credentialRequestSchema = z
  .object({
    credential_configuration_id: z.string().optional().describe(`the one configuration: ${CREDENTIAL_CONFIGURATION_ID}`),
    proofs: z
      .object({ jwt: z.array(z.string()).optional().describe('one key proof JWT (typ openid4vci-proof+jwt, alg EdDSA or Ed25519, kid a did:key DID URL, aud the credential issuer, iat, nonce a c_nonce)') })
      .loose()
      .optional()
      .describe('absent: the credential as signed at issuance; present: a copy bound to the DID the proof names'),
  })
  .loose();

export const credentialResponseSchema = z.object({ credentials: z.array(z.object({ credential: jsonLdDocumentSchema })).length(1) });
