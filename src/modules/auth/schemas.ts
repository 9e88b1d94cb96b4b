import { z } from 'zod';

// RFC 6749 §3.2: the server MUST ignore unrecognised parameters, so this object is not strict.
export const tokenRequestSchema = z
  .object({
    grant_type: z.string().optional().describe('must be client_credentials'),
    scope: z.string().optional().describe('space-separated subset of the client\'s scopes; all of them when absent'),
    client_id: z.string().optional().describe('for client_secret_post; otherwise use HTTP Basic'),
    client_secret: z.string().optional(),
  })
  .loose();

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
});

export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string() });
