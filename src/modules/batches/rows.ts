import type { z } from 'zod';
import { commonLanguages, type Language, LANGUAGES } from '../../lib/i18n.js';
import type { CourseVersion } from '../achievements/service.js';
import { type IssueCredentialInput, issueCredentialBodySchema } from '../credentials/schemas.js';
import { chooseCredentialLanguage } from '../credentials/service.js';
import type { BatchColumn } from './intake/columns.js';
import type { RowIssueCode, RowIssueParams } from './messages.js';

/** A row's values as read from the file or the JSON body: text, keyed by our column names. */
export type RawRow = { rowNumber: number; values: Partial<Record<BatchColumn, string>> };

export interface RowIssue {
  row: number;
  column: BatchColumn | null;
  code: RowIssueCode;
  severity: 'error' | 'warning';
  params: RowIssueParams;
}

/** A row ready to issue: the request it makes, for which course. */
export interface ValidRow {
  rowNumber: number;
  input: IssueCredentialInput;
  course: CourseVersion;
}

/** What a centre may issue and how it speaks, for judging rows. */
export interface RowContext {
  centreLanguage: Language;
  /** the batch's course for rows that name none (an id or code, as given) */
  defaultCourse?: string;
  /** a course by id or code, or undefined; and whether the centre may certify it now */
  findCourse(value: string): Promise<{ course: CourseVersion; authorised: boolean } | undefined>;
}

const LANGUAGE_NAMES: Record<string, Language> = {
  english: 'en', anglais: 'en', 'الإنجليزية': 'en', '英语': 'en', '英文': 'en',
  french: 'fr', 'français': 'fr', francais: 'fr', 'الفرنسية': 'fr', '法语': 'fr', '法文': 'fr',
  arabic: 'ar', arabe: 'ar', 'العربية': 'ar', '阿拉伯语': 'ar', '阿拉伯文': 'ar',
  chinese: 'zh', chinois: 'zh', 'الصينية': 'zh', '中文': 'zh', '汉语': 'zh',
};

/** "fr", "FR", "fr-FR", "Français" or "法语" all mean French; anything else is left for the schema to refuse. */
function readLanguage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const lowered = value.trim().toLowerCase();
  const primary = lowered.split(/[-_]/)[0] ?? lowered;
  if ((LANGUAGES as readonly string[]).includes(primary)) return primary;
  return LANGUAGE_NAMES[lowered] ?? value;
}

// Spreadsheets hold dates without a time: such a date means the start of that day in UTC.
const readDate = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

// Where each field of the issuance request comes from in the file.
const COLUMN_OF_PATH: Record<string, BatchColumn> = {
  'recipient.name': 'name',
  'recipient.email': 'email',
  validFrom: 'validFrom',
  validUntil: 'validUntil',
  narrative: 'narrative',
  'evidence.0.url': 'evidenceUrl',
  language: 'language',
  externalId: 'externalId',
  achievementId: 'achievementId',
};

/** The issue a schema complaint about a column means, in our codes (which have translations). */
function issueOf(column: BatchColumn | null, issue: z.core.$ZodIssue): { code: RowIssueCode; params: RowIssueParams } {
  const message = issue.message;
  const max = /at most (\d+)/.exec(message)?.[1];
  if (issue.code === 'invalid_type' || issue.code === 'too_small' || message.includes('must not be empty')) return { code: 'required', params: {} };
  if (max) return { code: 'too-long', params: { max: Number(max) } };
  if (message.includes('control or bidirectional')) return { code: 'forbidden-characters', params: {} };
  if (message.includes('later than validFrom')) return { code: 'valid-until-before-valid-from', params: {} };
  if (message.includes('in the past')) return { code: 'valid-until-in-past', params: {} };
  switch (column) {
    case 'email':
      return { code: 'invalid-email', params: {} };
    case 'validFrom':
    case 'validUntil':
      return { code: 'invalid-date', params: {} };
    case 'evidenceUrl':
      return { code: 'invalid-url', params: {} };
    case 'language':
      return { code: 'unknown-language', params: {} };
    default:
      return { code: 'invalid', params: { detail: message } };
  }
}

/**
 * Judges one row by the same schema and rules as POST /api/v1/credentials (no rule is written twice): the
 * request it makes, or what is wrong with it, cell by cell.
 */
export async function judgeRow(row: RawRow, context: RowContext): Promise<{ valid?: ValidRow; issues: RowIssue[] }> {
  const { values, rowNumber } = row;
  const issues: RowIssue[] = [];
  const error = (column: BatchColumn | null, code: RowIssueCode, params: RowIssueParams = {}) => issues.push({ row: rowNumber, column, code, severity: 'error', params });

  const courseValue = values.achievementId ?? context.defaultCourse;
  const found = courseValue ? await context.findCourse(courseValue) : undefined;
  if (!courseValue) error('achievementId', 'required');
  else if (!found) error('achievementId', 'unknown-course', { value: courseValue });
  else if (!found.authorised) error('achievementId', 'course-not-authorised', { value: courseValue });

  const candidate = {
    // a well-formed stand-in while the course is unknown, so the other cells are still judged
    achievementId: found?.course.id ?? '00000000-0000-4000-8000-000000000000',
    recipient: { name: values.name ?? '', ...(values.email !== undefined ? { email: values.email } : {}) },
    validFrom: readDate(values.validFrom),
    validUntil: readDate(values.validUntil),
    narrative: values.narrative,
    evidence: values.evidenceUrl !== undefined ? [{ url: values.evidenceUrl }] : undefined,
    language: readLanguage(values.language),
    externalId: values.externalId,
  };
  const parsed = issueCredentialBodySchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const column = COLUMN_OF_PATH[issue.path.join('.')] ?? null;
      const { code, params } = issueOf(column, issue);
      error(column, code, params);
    }
  }
  if (!parsed.success || !found || issues.length > 0) return { issues };

  const available = commonLanguages(found.course.name, found.course.description, found.course.criteria);
  if (parsed.data.language && !available.includes(parsed.data.language)) {
    error('language', 'language-unavailable', { available: available.join(', ') });
    return { issues };
  }
  const language = chooseCredentialLanguage({ requested: parsed.data.language, centreDefault: context.centreLanguage, available });
  return { valid: { rowNumber, input: { ...parsed.data, language }, course: found.course }, issues };
}

/**
 * Rows that repeat one another: the same externalId and course twice is an error (the second would never be
 * issued); the same name, e-mail and course without an externalId is a warning (perhaps two people).
 */
export function findRepeats(rows: ValidRow[]): RowIssue[] {
  const byExternalId = new Map<string, number>();
  const byLearner = new Map<string, number>();
  const issues: RowIssue[] = [];
  for (const { rowNumber, input, course } of rows) {
    if (input.externalId !== undefined) {
      const key = `${course.id}\u0000${input.externalId}`;
      const first = byExternalId.get(key);
      if (first === undefined) byExternalId.set(key, rowNumber);
      else issues.push({ row: rowNumber, column: 'externalId', code: 'duplicate-in-file', severity: 'error', params: { row: first } });
      continue;
    }
    const key = `${course.id}\u0000${input.recipient.name.toLocaleLowerCase()}\u0000${(input.recipient.email ?? '').toLowerCase()}`;
    const first = byLearner.get(key);
    if (first === undefined) byLearner.set(key, rowNumber);
    else issues.push({ row: rowNumber, column: 'name', code: 'repeated-learner', severity: 'warning', params: { row: first } });
  }
  return issues;
}
