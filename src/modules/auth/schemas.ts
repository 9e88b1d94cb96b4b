import { z } from 'zod';

// RFC 6749 §3.2: the server MUST ignore unrecognised parameters, so this object is not strict.
export const tokenRequestSchema = z
  .object({
    grant_type: z.string().optional().describe('client_credentials (API clients), or urn:ietf:params:oauth:grant-type:pre-authorized_code (wallets, OpenID4VCI)'),
    scope: z.string().optional().describe('space-separated subset of the client\'s scopes; all of them when absent'),
    client_id: z.string().optional().describe('for client_secret_post; otherwise use HTTP Basic'),
    client_secret: z.string().optional(),
    'pre-authorized_code': z.string().optional().describe('the code of a wallet offer (pre-authorised code grant; no client authentication)'),
    tx_code: z.string().optional().describe('never asked for by our offers: a request with one is refused'),
  })
  .loose();

export const tokenResponseSchema = z.union([
  z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int(), scope: z.string() }).describe('client credentials: a JWT with the granted scopes'),
  z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() }).describe('pre-authorised code: an opaque token for the offer\'s one credential request'),
]);

export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string() });
