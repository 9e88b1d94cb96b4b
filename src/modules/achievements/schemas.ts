import { z } from 'zod';
import { LANGUAGES, type Language } from '../../lib/i18n.js';
import { httpUrlSchema } from '../../lib/urls.js';
import { ACHIEVEMENT_TYPES } from '../../vc/ob3-schema.js';
import { displayText } from '../credentials/schemas.js';

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

const localizedTextSchema = z.partialRecord(z.enum(LANGUAGES), z.string());

export const alignmentViewSchema = z.object({
  targetName: z.string(),
  targetUrl: z.string(),
  targetCode: z.string().optional(),
  targetFramework: z.string().optional(),
});

export const courseSchema = z.object({
  id: z.uuid(),
  code: z.string().describe('short code to name the course instead of its id, e.g. in a batch spreadsheet ("genai-foundation")'),
  url: z.string(),
  name: localizedTextSchema,
  description: localizedTextSchema,
  criteria: localizedTextSchema,
  languages: z.array(z.enum(LANGUAGES)).describe('languages in which the course can be issued'),
  achievementType: z.string(),
  series: z.string().nullable(),
  level: z.string().nullable(),
  hours: z.number().int().nullable(),
  alignments: z.array(alignmentViewSchema).describe('alignments to competency frameworks (OB 3.0 Alignment)'),
  version: z.number().int().describe('the current version; credentials embed the version current when they were issued'),
  demo: z.boolean(),
});

export const courseListSchema = z.object({ items: z.array(courseSchema), nextCursor: z.string().nullable() });

export const courseVersionListSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  currentVersion: z.number().int(),
  versions: z
    .array(
      z.object({
        version: z.number().int(),
        url: z.string().describe('this version as an Open Badges 3.0 Achievement'),
        createdAt: z.string(),
        current: z.boolean(),
      }),
    )
    .describe('every version, newest first'),
});

// ---------------------------------------------------------------------------------------------------
// Requests (admin)
// ---------------------------------------------------------------------------------------------------

// Same rule as names in credentials: no control characters (except line breaks and tabs in long texts)
// and no bidirectional overrides/isolates, which could hide or reorder what a reader sees.
const FORBIDDEN_IN_LONG_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\uFEFF]/u;

/** A multi-line text (description, criteria narrative): NFC, trimmed, CRLF made LF, not empty, bounded. */
const longText = (max: number) =>
  z
    .string()
    .transform((value) => value.normalize('NFC').replaceAll('\r\n', '\n').trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty or only whitespace')
        .refine((value) => [...value].length <= max, `must be at most ${max} characters`)
        .refine((value) => !FORBIDDEN_IN_LONG_TEXT.test(value), 'must not contain control or bidirectional-override characters (line breaks and tabs are fine)'),
    );

export const MAX_COURSE_NAME = 200;
export const MAX_COURSE_DESCRIPTION = 2000;
export const MAX_COURSE_CRITERIA = 4000;

/** A text by language: en/fr/ar/zh only, at least one of them. */
const localizedInput = (text: z.ZodType<string, string>, what: string) =>
  z
    .strictObject(
      Object.fromEntries(LANGUAGES.map((language) => [language, text.optional()])) as Record<Language, z.ZodOptional<z.ZodType<string, string>>>,
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown language ${issue.keys.map((k) => `"${k}"`).join(', ')}: use ${LANGUAGES.join(', ')}` : undefined) },
    )
    .refine((value) => Object.values(value).some((entry) => entry !== undefined), `give the ${what} in at least one of ${LANGUAGES.join(', ')}`);

const nameInput = localizedInput(displayText(MAX_COURSE_NAME), 'name');
const descriptionInput = localizedInput(longText(MAX_COURSE_DESCRIPTION), 'description');
const criteriaInput = localizedInput(longText(MAX_COURSE_CRITERIA), 'criteria narrative');

const EXTENSION_TERM = /^ext:[A-Za-z0-9._-]+$/;
export const achievementTypeSchema = z
  .string()
  .max(100, 'must be at most 100 characters')
  .refine(
    (value) => (ACHIEVEMENT_TYPES as readonly string[]).includes(value) || EXTENSION_TERM.test(value),
    `must be an Open Badges 3.0 AchievementType (${ACHIEVEMENT_TYPES.join(', ')}) or an extension term such as "ext:IIOEModule"`,
  );

export const alignmentInputSchema = z.strictObject({
  targetName: displayText(200).describe('name of the competency or framework item'),
  targetUrl: httpUrlSchema.describe('where the competency is described'),
  targetCode: displayText(100).optional().describe('its code in the framework, e.g. "T2.1"'),
  targetFramework: displayText(200).optional().describe('the framework, e.g. "UNESCO ICT Competency Framework for Teachers"'),
});

const courseFields = {
  // Any string here: a code out of format is a 422 that states the format (codes.ts), not a generic validation error.
  code: z
    .string()
    .describe('short code staff can type instead of the id: lowercase a-z and digits, words joined by single hyphens, 2-64 characters, e.g. "genai-foundation"; case is ignored'),
  name: nameInput.describe('course name by language, e.g. {"en": "…", "ar": "…"}'),
  description: descriptionInput.describe('what the course is about, in the same languages as name'),
  criteria: criteriaInput.describe('what a learner did to earn it (criteria narrative), in the same languages as name'),
  achievementType: achievementTypeSchema.describe('OB 3.0 AchievementType or an "ext:" term; default MicroCredential'),
  series: displayText(100).describe('e.g. "1+X GenAI"'),
  level: displayText(100).describe('e.g. "Foundation", "Module"'),
  hours: z.number().int('must be a whole number of hours').positive('must be a positive number of hours').max(10_000, 'must be at most 10000'),
  alignments: z.array(alignmentInputSchema).max(20, 'at most 20 alignments').describe('alignments to competency frameworks'),
};

type LocalizedInput = Partial<Record<Language, string>>;
const present = (text: LocalizedInput | undefined) => LANGUAGES.filter((language) => text?.[language] !== undefined);

/**
 * Languages of the texts: a course is issuable in a language only if name, description and criteria all exist
 * in it, so they must cover exactly the same languages. Returns what is wrong, per field, or nothing.
 */
export function languageMismatches(course: { name: LocalizedInput; description: LocalizedInput; criteria: LocalizedInput }): { field: 'description' | 'criteria'; message: string }[] {
  const nameLanguages = present(course.name);
  const problems: { field: 'description' | 'criteria'; message: string }[] = [];
  for (const field of ['description', 'criteria'] as const) {
    const languages = present(course[field]);
    const missing = nameLanguages.filter((language) => !languages.includes(language));
    const extra = languages.filter((language) => !nameLanguages.includes(language));
    if (missing.length > 0) problems.push({ field, message: `missing ${missing.map((l) => `"${l}"`).join(', ')}: the name is given in ${missing.length > 1 ? 'these languages' : 'this language'}, so the ${field} must be too` });
    if (extra.length > 0) problems.push({ field, message: `has ${extra.map((l) => `"${l}"`).join(', ')}, which the name lacks: give the name in ${extra.length > 1 ? 'these languages' : 'this language'} too, or remove ${extra.length > 1 ? 'them' : 'it'}` });
  }
  return problems;
}

export const createCourseBodySchema = z
  .strictObject({
    code: courseFields.code.optional().describe(`${courseFields.code.description}; default: derived from the English (else first) name, made unique with -2, -3…`),
    name: courseFields.name,
    description: courseFields.description,
    criteria: courseFields.criteria,
    achievementType: courseFields.achievementType.default('MicroCredential'),
    series: courseFields.series.optional(),
    level: courseFields.level.optional(),
    hours: courseFields.hours.optional(),
    alignments: courseFields.alignments.default([]),
  })
  .superRefine(
    (body, ctx) => {
      for (const { field, message } of languageMismatches(body)) ctx.addIssue({ code: 'custom', path: [field], message });
    },
    // Compared only once the body is an object and the three texts are valid on their own (an unknown language is
    // reported once, as such).
    { when: (payload) => !payload.issues.some((issue) => !issue.path?.length || ['name', 'description', 'criteria'].includes(String(issue.path[0]))) },
  );

export type CreateCourseInput = z.output<typeof createCourseBodySchema>;

/** A partial update: each field given replaces the stored one (texts as whole objects); null clears an optional field. */
export const updateCourseBodySchema = z
  .strictObject({
    code: courseFields.code.optional(),
    name: courseFields.name.optional(),
    description: courseFields.description.optional(),
    criteria: courseFields.criteria.optional(),
    achievementType: courseFields.achievementType.optional(),
    series: courseFields.series.nullable().optional(),
    level: courseFields.level.nullable().optional(),
    hours: courseFields.hours.nullable().optional(),
    alignments: courseFields.alignments.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'send at least one field to change',
    when: (payload) => payload.issues.length === 0,
  });

export type UpdateCourseInput = z.output<typeof updateCourseBodySchema>;

export const courseIdParamsSchema = z.object({ id: z.string().max(100) });
export const courseVersionParamsSchema = z.object({ id: z.string().max(100), version: z.string().max(20) });
