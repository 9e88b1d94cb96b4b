import { z } from 'zod';
import { displayText } from '../credentials/schemas.js';
import { CENTRE_SCOPES } from '../auth/scopes.js';

export const createClientBodySchema = z.strictObject({
  name: displayText(100).describe('what this client is for, e.g. "Moodle plug-in"'),
  scopes: z
    .array(z.enum(CENTRE_SCOPES as [string, ...string[]], { message: `use ${CENTRE_SCOPES.join(', ')}` }))
    .min(1, 'give at least one scope')
    .describe(`any of ${CENTRE_SCOPES.join(', ')}`),
});

export const clientSchema = z.object({
  client_id: z.string(),
  centre: z.string().nullable(),
  name: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  createdAt: z.string(),
  secretRotatedAt: z.string().nullable(),
  disabledAt: z.string().nullable(),
});

export const clientWithSecretSchema = clientSchema.extend({ client_secret: z.string().describe('shown once; store it now') });
export const clientParamsSchema = z.object({ clientId: z.string().max(100) });
