import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Alignment } from '../../db/schema/index.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { commonLanguages, type Language, type LocalizedText, pickLocalized } from '../../lib/i18n.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { HttpProblem, notFound, problem, problemType } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { recordAction, type SystemActor } from '../audit/service.js';
import { platformProfile } from '../dids/service.js';
import * as repository from './repository.js';
import type { AchievementRow } from './repository.js';
import { type CreateCourseInput, languageMismatches, type UpdateCourseInput } from './schemas.js';
import { isUuid } from '../../lib/ids.js';
import { courseCodeFromName, invalidCourseCode, numberedCourseCode, readCourseCode } from './codes.js';

export const achievementUrl = (publicBaseUrl: string, id: string) => `${publicBaseUrl}/achievements/${id}`;
export const achievementVersionUrl = (publicBaseUrl: string, id: string, version: number) => `${achievementUrl(publicBaseUrl, id)}/versions/${version}`;

/** What a version of a course consists of: the content kept per version in achievement_versions. */
export interface CourseContent {
  name: LocalizedText;
  description: LocalizedText;
  criteria: LocalizedText;
  achievementType: string;
  series: string | null;
  level: string | null;
  hours: number | null;
  alignments: Alignment[];
}

type OptionalContent = 'series' | 'level' | 'hours' | 'alignments';

const CONTENT_FIELDS = ['name', 'description', 'criteria', 'achievementType', 'series', 'level', 'hours', 'alignments'] as const satisfies readonly (keyof CourseContent)[];

/** The snapshot stored for a version (same shape as migration 0002's backfill). */
export function courseContent(row: Omit<CourseContent, OptionalContent> & Partial<Pick<CourseContent, OptionalContent>>): CourseContent {
  return {
    name: row.name,
    description: row.description,
    criteria: row.criteria,
    achievementType: row.achievementType,
    series: row.series ?? null,
    level: row.level ?? null,
    hours: row.hours ?? null,
    alignments: row.alignments ?? [],
  };
}

/** One version of a course: its stable id, its version number and that version's content. */
export type CourseVersion = CourseContent & { id: string; version: number };

/** OB 3.0 Alignment objects (B.1.5) for the course's alignments; only the properties that are set. */
function alignmentDocuments(alignments: Alignment[]) {
  return alignments.map((alignment) => ({
    type: ['Alignment'],
    targetName: alignment.targetName,
    targetUrl: alignment.targetUrl,
    ...(alignment.targetCode ? { targetCode: alignment.targetCode } : {}),
    ...(alignment.targetFramework ? { targetFramework: alignment.targetFramework } : {}),
  }));
}

/**
 * A course as an OB 3.0 Achievement in one language (OB 3.0 requires plain strings for name and
 * description). The course texts are picked together so they are all in the language recorded in inLanguage.
 * `version` is the OB 3.0 Achievement property (a string); every term used is defined by the OB 3.0 context.
 */
export function achievementDocument({ achievement, config, language }: { achievement: CourseVersion; config: Config; language: Language }) {
  const available = commonLanguages(achievement.name, achievement.description, achievement.criteria);
  const chosen = available.includes(language) ? language : (available[0] ?? 'en');
  const tags = [achievement.series, achievement.level].filter((tag): tag is string => Boolean(tag));
  const alignments = achievement.alignments ?? [];
  return {
    id: achievementUrl(config.publicBaseUrl, achievement.id),
    type: ['Achievement'],
    name: pickLocalized(achievement.name, chosen).value,
    description: pickLocalized(achievement.description, chosen).value,
    criteria: { narrative: pickLocalized(achievement.criteria, chosen).value },
    achievementType: achievement.achievementType,
    inLanguage: chosen,
    version: String(achievement.version),
    creator: platformProfile(config),
    ...(alignments.length > 0 ? { alignment: alignmentDocuments(alignments) } : {}),
    ...(tags.length > 0 ? { tag: tags } : {}),
  };
}

export async function getAchievement({ db, id }: { db: DbOrTx; id: string }): Promise<AchievementRow> {
  const achievement = isUuid(id) ? await repository.findAchievement(db, id) : undefined;
  if (!achievement) throw notFound(`No course has the id "${id}"; GET /achievements lists them.`);
  return achievement;
}

/**
 * The course a person named by its id or its code (a batch row's course column): a uuid is matched on the id,
 * anything else on the code, without regard to case or surrounding spaces. Undefined when none matches.
 */
export async function findCourseByIdOrCode(db: DbOrTx, value: string): Promise<AchievementRow | undefined> {
  const trimmed = value.trim();
  if (isUuid(trimmed)) return repository.findAchievement(db, trimmed.toLowerCase());
  const reading = readCourseCode(trimmed);
  return reading.valid ? repository.findAchievementByCode(db, reading.code) : undefined;
}

/** GET /achievements/:id — the current version of the course as a stand-alone JSON-LD Achievement document. */
export async function getAchievementDocument({ db, config, id, language }: { db: Db; config: Config; id: string; language: Language }) {
  const achievement = await getAchievement({ db, id });
  return { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...achievementDocument({ achievement, config, language }) };
}

/** The API view of a course (list items of GET /achievements, and the admin routes' answers). */
export function courseView(row: AchievementRow, config: Config) {
  return {
    id: row.id,
    code: row.code,
    url: achievementUrl(config.publicBaseUrl, row.id),
    name: row.name,
    description: row.description,
    criteria: row.criteria,
    languages: commonLanguages(row.name, row.description, row.criteria),
    achievementType: row.achievementType,
    series: row.series,
    level: row.level,
    hours: row.hours,
    alignments: row.alignments ?? [],
    version: row.version,
    demo: row.isDemo,
  };
}

/** GET /achievements — every course with all its languages, for people and tools choosing what to issue. */
export async function listCourses({ db, config, limit, cursor }: { db: Db; config: Config; limit: number; cursor?: string }) {
  const rows = await repository.listAchievements(db, { limit, after: decodeCursor(cursor) });
  const page = toPage(rows, limit);
  return { items: page.items.map((row) => courseView(row, config)), nextCursor: page.nextCursor };
}

/**
 * GET /achievements/:id/versions — every version of a course, newest first. The current version is served
 * from the course row, so it is listed even for a course whose snapshot predates versioning.
 */
export async function listCourseVersions({ db, config, id }: { db: Db; config: Config; id: string }) {
  const achievement = await getAchievement({ db, id });
  const snapshots = await repository.listAchievementVersions(db, achievement.id);
  const created = new Map(snapshots.map((snapshot) => [snapshot.version, snapshot.createdAt]));
  if (!created.has(achievement.version)) created.set(achievement.version, achievement.updatedAt);
  const versions = [...created.entries()]
    .filter(([version]) => version <= achievement.version)
    .sort(([a], [b]) => b - a)
    .map(([version, createdAt]) => ({
      version,
      url: achievementVersionUrl(config.publicBaseUrl, achievement.id, version),
      createdAt: createdAt.toISOString(),
      current: version === achievement.version,
    }));
  return { id: achievement.id, url: achievementUrl(config.publicBaseUrl, achievement.id), currentVersion: achievement.version, versions };
}

/** Version `number` of a course as it was published (what credentials issued under it embed). */
export async function findCourseVersion(db: DbOrTx, achievementId: string, number: number): Promise<CourseVersion | undefined> {
  const row = await repository.findAchievementVersion(db, achievementId, number);
  return row ? { ...courseContent(row.content as unknown as CourseContent), id: achievementId, version: number } : undefined;
}

/** GET /achievements/:id/versions/:version — that version of the course as an OB 3.0 Achievement. */
export async function getAchievementVersionDocument({ db, config, id, version, language }: { db: Db; config: Config; id: string; version: string; language: Language }) {
  const achievement = await getAchievement({ db, id });
  const number = /^[1-9][0-9]{0,8}$/.test(version) ? Number(version) : undefined;
  let content: CourseContent | undefined;
  if (number === achievement.version) content = courseContent(achievement);
  else if (number !== undefined && number < achievement.version) {
    content = (await repository.findAchievementVersion(db, achievement.id, number))?.content as CourseContent | undefined;
  }
  if (!content || number === undefined) {
    throw notFound(`The course "${id}" has no version "${version}"; it is at version ${achievement.version}, and GET /achievements/${id}/versions lists them.`);
  }
  return {
    current: number === achievement.version,
    currentVersion: achievement.version,
    document: { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...achievementDocument({ achievement: { ...courseContent(content), id: achievement.id, version: number }, config, language }) },
  };
}

/** A short summary of a course version for the audit trail (texts by language, not every long narrative). */
function auditSummary(content: CourseContent) {
  return {
    name: content.name,
    languages: commonLanguages(content.name, content.description, content.criteria),
    achievementType: content.achievementType,
    series: content.series,
    level: content.level,
    hours: content.hours,
    alignments: content.alignments.length,
  };
}

/** A code given for a course, lowercased; a 422 saying the format when it is not one. */
function requestedCode(value: string): string {
  const reading = readCourseCode(value);
  if (!reading.valid) throw invalidCourseCode(value, reading.reason);
  return reading.code;
}

/** 409 unless `code` is free or already this course's; call with the course-code lock held. */
async function assertCodeFree(tx: DbOrTx, code: string, courseId?: string) {
  const holder = await repository.findAchievementByCode(tx, code);
  if (holder && holder.id !== courseId) {
    throw problem(409, 'course-code-taken', `The course code "${code}" is already used by another course (${holder.id}); choose another code.`, { code });
  }
}

/** The first of base, base-2, base-3… no course has; call with the course-code lock held. */
async function firstFreeCode(tx: DbOrTx, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = numberedCourseCode(base, n);
    if (!(await repository.findAchievementByCode(tx, candidate))) return candidate;
  }
}

/**
 * POST /api/v1/achievements: the course row, its version-1 snapshot and the audit event, in one transaction.
 */
export async function createCourse({ ctx, actor, input }: { ctx: AppContext; actor: Principal | SystemActor; input: CreateCourseInput & { isDemo?: boolean } }) {
  const row = await ctx.db.transaction((tx) => createCourseIn(tx, { actor, input }));
  ctx.lookups.clear();
  return courseView(row, ctx.config);
}

/** The writes of createCourse, inside a caller's transaction (the demo data uses it). */
export async function createCourseIn(tx: DbOrTx, { actor, input, audit = true }: { actor: Principal | SystemActor; input: CreateCourseInput & { isDemo?: boolean }; audit?: boolean }) {
  const requested = input.code === undefined ? undefined : requestedCode(input.code);
  await repository.lockCourseCodes(tx);
  if (requested) await assertCodeFree(tx, requested);
  const created = await repository.insertAchievement(tx, {
    ...courseContent(input),
    code: requested ?? (await firstFreeCode(tx, courseCodeFromName(input.name))),
    isDemo: input.isDemo ?? false,
    version: 1,
  });
  await repository.insertAchievementVersion(tx, { achievementId: created.id, version: 1, content: { ...courseContent(created) }, createdAt: created.createdAt });
  if (audit) {
    await recordAction({ db: tx, actor, action: 'achievement.created', centreId: null, target: `achievement:${created.id}`, details: { version: 1, after: { code: created.code, ...auditSummary(courseContent(created)) } } });
  }
  return created;
}

const languagesMismatch = (problems: { field: string; message: string }[]) =>
  new HttpProblem({
    status: 422,
    type: problemType('languages-mismatch'),
    title: 'Unprocessable Content',
    detail: `After this change the course's name, description and criteria would not be in the same languages (a course is issued in a language only when all three exist in it): ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
    errors: problems.map((p) => ({ path: `body.${p.field}`, message: p.message })),
  });

/**
 * PATCH /api/v1/achievements/:id: each content field given replaces the stored one and makes a new version (the
 * course id is stable; credentials already issued keep the content they embed). The code names the course and is
 * in no version: changing only the code makes none. A change that changes nothing writes nothing. The row is
 * locked so concurrent updates get consecutive versions.
 */
export async function updateCourse({ ctx, actor, id, changes }: { ctx: AppContext; actor: Principal | SystemActor; id: string; changes: UpdateCourseInput }) {
  await getAchievement({ db: ctx.db, id });
  const code = changes.code === undefined ? undefined : requestedCode(changes.code);
  const { row, changed } = await ctx.db.transaction(async (tx) => {
    if (code !== undefined) await repository.lockCourseCodes(tx);
    const current = await repository.findAchievementForUpdate(tx, id);
    if (!current) throw notFound(`No course has the id "${id}"; GET /achievements lists them.`);
    const before = courseContent(current);
    const after: CourseContent = { ...before };
    for (const field of CONTENT_FIELDS) {
      const value = changes[field];
      if (value !== undefined) (after as unknown as Record<string, unknown>)[field] = value;
    }
    const mismatches = languageMismatches(after);
    if (mismatches.length > 0) throw languagesMismatch(mismatches);
    const changedFields = CONTENT_FIELDS.filter((field) => canonicalJson(before[field]) !== canonicalJson(after[field]));
    const newCode = code !== undefined && code !== current.code ? code : undefined;
    if (newCode) await assertCodeFree(tx, newCode, current.id);
    if (changedFields.length === 0 && !newCode) return { row: current, changed: false };

    // A course created before versioning may lack the snapshot of its current version: keep it first.
    await repository.insertAchievementVersion(tx, { achievementId: current.id, version: current.version, content: { ...before }, createdAt: current.updatedAt });
    const version = changedFields.length > 0 ? current.version + 1 : current.version;
    const updated = await repository.updateAchievement(tx, current.id, { ...after, ...(newCode ? { code: newCode } : {}), version, updatedAt: new Date() });
    if (version !== current.version) {
      await repository.insertAchievementVersion(tx, { achievementId: current.id, version, content: { ...courseContent(updated) }, createdAt: updated.updatedAt });
    }
    const pick = (content: CourseContent, courseCode: string) => ({
      ...(newCode ? { code: courseCode } : {}),
      ...Object.fromEntries(changedFields.map((field) => [field, content[field]])),
    });
    await recordAction({
      db: tx,
      actor,
      action: 'achievement.updated',
      centreId: null,
      target: `achievement:${current.id}`,
      details: {
        version: { before: current.version, after: version },
        changed: [...(newCode ? ['code'] : []), ...changedFields],
        before: pick(before, current.code),
        after: pick(after, updated.code),
      },
    });
    return { row: updated, changed: true };
  });
  if (changed) ctx.lookups.clear();
  return { course: courseView(row, ctx.config), changed };
}
