import { z } from 'zod';
import { LANGUAGES } from '../../lib/i18n.js';

const localizedTextSchema = z.partialRecord(z.enum(LANGUAGES), z.string());

export const courseSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  name: localizedTextSchema,
  description: localizedTextSchema,
  criteria: localizedTextSchema,
  languages: z.array(z.enum(LANGUAGES)).describe('languages in which the course can be issued'),
  achievementType: z.string(),
  series: z.string().nullable(),
  level: z.string().nullable(),
  hours: z.number().int().nullable(),
  demo: z.boolean(),
});

export const courseListSchema = z.object({ items: z.array(courseSchema), nextCursor: z.string().nullable() });
