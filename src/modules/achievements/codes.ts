import { LANGUAGES, type LocalizedText } from '../../lib/i18n.js';
import { isUuid } from '../../lib/ids.js';
import { HttpProblem, problemType } from '../../lib/problem.js';

// Course codes: what centre staff type in a spreadsheet instead of a course's uuid, e.g. "genai-foundation".
// Stored lowercase (the database checks the format too), unique, matched without regard to case.

export const COURSE_CODE_MIN = 2;
export const COURSE_CODE_MAX = 64;
const COURSE_CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const COURSE_CODE_FORMAT = `lowercase letters a-z and digits, words joined by single hyphens, ${COURSE_CODE_MIN} to ${COURSE_CODE_MAX} characters, e.g. "genai-foundation"`;

export type CourseCodeReading = { valid: true; code: string } | { valid: false; reason: string };

/** A code as a person typed it: surrounding spaces and letter case do not matter. */
export function readCourseCode(value: string): CourseCodeReading {
  const trimmed = value.trim();
  // Checked before lowercasing: toLowerCase turns some non-ASCII letters (the Kelvin sign K) into ASCII ones.
  if (!/^[A-Za-z0-9-]*$/.test(trimmed)) return { valid: false, reason: 'may contain only the letters a-z, digits and hyphens' };
  const code = trimmed.toLowerCase();
  if (code.length < COURSE_CODE_MIN || code.length > COURSE_CODE_MAX) {
    return { valid: false, reason: `must be ${COURSE_CODE_MIN} to ${COURSE_CODE_MAX} characters long (it has ${code.length})` };
  }
  if (!COURSE_CODE.test(code)) return { valid: false, reason: 'must start and end with a letter or digit and have no two hyphens in a row' };
  // Where a course is named by "id or code", a uuid is always taken as an id: such a code could never be found.
  if (isUuid(code)) return { valid: false, reason: 'must not have the form of a course id (a uuid)' };
  return { valid: true, code };
}

/** The 422 for a code given to create or update a course that is not in the format. */
export function invalidCourseCode(value: string, reason: string) {
  // The value is echoed only while short enough to read (the body may hold anything).
  const shown = value.length <= COURSE_CODE_MAX * 2 ? `"${value}"` : `given (${value.length} characters)`;
  return new HttpProblem({
    status: 422,
    type: problemType('invalid-course-code'),
    title: 'Unprocessable Content',
    detail: `The course code ${shown} ${reason}. A course code is ${COURSE_CODE_FORMAT}.`,
    errors: [{ path: 'body.code', message: `${reason}; use ${COURSE_CODE_FORMAT}` }],
  });
}

/**
 * The code a course gets when none is given: its English name (else the first of its names in the order of
 * LANGUAGES) made a slug — accents decomposed and every non-ASCII character dropped, lowercase, each run of other
 * characters one hyphen, cut to the maximum length — or "course" when fewer than 2 characters are left (an Arabic-
 * or Chinese-only name). Migration 0008 derived the codes of existing courses with the same steps in SQL.
 */
export function courseCodeFromName(name: LocalizedText): string {
  const source = LANGUAGES.map((language) => name[language]).find((text) => text !== undefined) ?? '';
  const slug = source
    .normalize('NFD')
    .replace(/[^\x01-\x7F]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, COURSE_CODE_MAX).replace(/-+$/, '');
  return cut.length < COURSE_CODE_MIN ? 'course' : cut;
}

/** The n-th candidate for a code: the base itself, then base-2, base-3…, the base shortened to keep the maximum length. */
export function numberedCourseCode(base: string, n: number): string {
  if (n === 1) return base;
  const suffix = `-${n}`;
  return `${base.slice(0, COURSE_CODE_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
}
