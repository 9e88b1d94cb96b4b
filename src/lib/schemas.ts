import { z } from 'zod';
import { LANGUAGES } from './i18n.js';

/** Shared request pieces: every public document takes ?lang=. */
export const languageSchema = z.enum(LANGUAGES, { message: `use one of ${LANGUAGES.join(', ')}` });
export const languageQuerySchema = z.object({
  lang: languageSchema.optional().describe('en, fr, ar or zh; defaults to Accept-Language, then English'),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
  .describe('RFC 9457 problem details');

/** A JSON-LD document (credential, DID document, profile): described, not re-validated on the way out. */
export const jsonLdDocumentSchema = z.record(z.string(), z.unknown());

/** A yes/no query parameter: true/false (or 1/0); anything else is refused rather than read as true. */
export const booleanQuery = z.enum(['true', 'false', '1', '0'], { message: 'use true or false' }).transform((value) => value === 'true' || value === '1');
