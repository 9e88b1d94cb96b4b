import { z } from 'zod';
import { pageQuerySchema } from '../../lib/pagination.js';
import { displayText, rfc3339 } from '../credentials/schemas.js';

export const grantAuthorisationBodySchema = z
  .strictObject({
    centre: z.string().min(1, 'must be a centre slug, e.g. egypt-demo').max(100, 'must be at most 100 characters').describe('the centre\'s slug'),
    achievementId: z.uuid('must be a course id from GET /achievements'),
    validFrom: rfc3339.optional().describe('when the authorisation starts; defaults to now'),
    validUntil: rfc3339.optional().describe('when it ends (exclusive); open-ended when absent'),
  })
  // Checked here against "now" when validFrom is left out, so the error names the field to fix.
  .superRefine((body, ctx) => {
    if (body.validUntil === undefined) return;
    const from = body.validFrom === undefined ? Date.now() : Date.parse(body.validFrom);
    if (Date.parse(body.validUntil) <= from) {
      ctx.addIssue({
        code: 'custom',
        path: ['validUntil'],
        message: body.validFrom === undefined ? 'must be later than validFrom, which defaults to now' : 'must be later than validFrom',
      });
    }
  });

export type GrantAuthorisationInput = z.output<typeof grantAuthorisationBodySchema>;

export const revokeAuthorisationBodySchema = z.strictObject({
  reason: displayText(500).describe('why the authorisation is withdrawn: kept in the audit trail and shown in the list'),
});

export const authorisationIdParamsSchema = z.object({ id: z.string().max(100) });

export const listAuthorisationsQuerySchema = pageQuerySchema.extend({
  centre: z.string().max(100).optional().describe('a centre slug (a centre\'s own client sees only its own centre)'),
  achievementId: z.uuid('must be a course id from GET /achievements').optional(),
});

export const authorisationSchema = z.object({
  id: z.uuid(),
  centre: z.string().describe('the centre\'s slug'),
  achievementId: z.uuid(),
  achievementUrl: z.string(),
  achievementName: z.string().describe('in English when the course has it, else its first language'),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
  status: z.enum(['scheduled', 'active', 'expired', 'revoked']).describe('at the time of the response'),
  createdAt: z.string(),
});

export const authorisationListSchema = z.object({ items: z.array(authorisationSchema), nextCursor: z.string().nullable() });
