import { z } from 'zod';
import { STAFF_ROLES } from '../../db/schema/index.js';
import { languageSchema } from '../../lib/schemas.js';
import { displayText } from '../credentials/schemas.js';

/** An invitation, from the console's form or the CLI: the same rules, the same words. */
export const invitationSchema = z.object({
  email: z.email('must be an e-mail address, such as name@example.org').max(254),
  displayName: displayText(200).describe('the name shown in the console and the audit trail'),
  role: z.enum(STAFF_ROLES, { message: `use one of ${STAFF_ROLES.join(', ')}` }),
  centre: z.string().trim().max(100).nullable().optional().describe('the centre\'s slug; none for a platform admin'),
  language: languageSchema.describe('the language of the invitation e-mail'),
});
