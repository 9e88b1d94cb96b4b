import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import t from 'tap';
import { type Database, pgliteDatabase } from '../../src/db/client.js';
import { courseCodeFromName, numberedCourseCode } from '../../src/modules/achievements/codes.js';
import { findCourseByIdOrCode } from '../../src/modules/achievements/service.js';
import type { LocalizedText } from '../../src/lib/i18n.js';
import { freshDatabase } from '../helper.js';

// Migrations 0007-0009 on a database that already has courses: a database migrated up to 0006 (the schema before
// course codes) gets courses, then the real migrate() applies the rest. Every course must come out with the code
// the service itself would derive (courseCodeFromName, then -2, -3… in order of creation), unique and required.

const ROOT_MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));
const LAST_BEFORE_CODES = 6; // 0006_cohorts_and_delivery

/** A copy of drizzle/ whose journal stops at migration `last`, for drizzle's migrator. */
async function migrationsUpTo(last: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'iioe-migrations-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await cp(ROOT_MIGRATIONS, folder, { recursive: true });
  const journal = JSON.parse(await readFile(join(folder, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= last);
  await writeFile(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  return folder;
}

/** An empty database (PGlite, or a new database on DATABASE_URL's server) migrated by drizzle up to 0006. */
async function databaseAt0006(): Promise<Database> {
  const migrationsFolder = await migrationsUpTo(LAST_BEFORE_CODES);
  if (process.env.DATABASE_URL) {
    const { database, url, drop } = await freshDatabase();
    t.teardown(async () => {
      await database.close();
      await drop();
    });
    const client = postgres(url!, { max: 1, onnotice: () => {} });
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    await client.end();
    return database;
  }
  const database = pgliteDatabase(await PGlite.create());
  t.teardown(() => database.close());
  await migratePglite(database.db as Parameters<typeof migratePglite>[0], { migrationsFolder });
  return database;
}

// Names that collide once made slugs, names with nothing ASCII in them, accents, long names, and names whose
// natural code is another course's numbered one.
const NAMES: LocalizedText[] = [
  { en: 'Digital Pedagogy', ar: 'التربية الرقمية' },
  { en: 'Digital Pedagogy' },
  { en: '  digital   PEDAGOGY!! ' },
  { ar: 'أسس الذكاء الاصطناعي التوليدي' },
  { ar: 'حوكمة الذكاء الاصطناعي' },
  { zh: '生成式人工智能基础' },
  { ar: 'مقرر', zh: '课程' },
  { fr: "Fondation : l'IA générative à l'université" },
  { zh: '1+X 生成式人工智能' },
  { en: 'Course' },
  { en: 'Course 2' },
  { en: 'x' },
  { en: 'İstanbul Straße ﬁnance — naïve café' },
  { en: `Generative AI in Higher Education: ${'very '.repeat(12)}long` },
  { en: `Generative AI in Higher Education: ${'very '.repeat(12)}long title` },
  { en: '🤖 + 🎓' },
  { fr: 'Éthique', en: 'Ethics' },
];

/** The codes the service derives, course by course in order of creation. */
function expectedCodes(names: LocalizedText[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const base = courseCodeFromName(name);
    let n = 1;
    while (taken.has(numberedCourseCode(base, n))) n++;
    const code = numberedCourseCode(base, n);
    taken.add(code);
    return code;
  });
}

/** The rows of a raw query: postgres.js answers an array, PGlite an object holding one. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

const database = await databaseAt0006();
const { db } = database;
// 0006's schema: no code column yet. Creation times one second apart make the order of creation certain.
const ids: string[] = [];
for (const [index, name] of NAMES.entries()) {
  const result = await db.execute(sql`
    insert into achievements (name, description, criteria, created_at)
    values (${JSON.stringify(name)}::jsonb, ${JSON.stringify(name)}::jsonb, ${JSON.stringify(name)}::jsonb,
            timestamptz '2025-01-01T00:00:00Z' + make_interval(secs => ${index}))
    returning id`);
  ids.push(rowsOf<{ id: string }>(result)[0]!.id);
}

await database.migrate();

const rows = async () => rowsOf<{ id: string; code: string }>(await db.execute(sql`select id, code from achievements order by created_at, id`));

t.test('every existing course gets the code the service derives, unique, in order of creation', async (t) => {
  const migrated = await rows();
  t.same(migrated.map((row) => row.id), ids);
  const codes = migrated.map((row) => row.code);
  t.same(codes, expectedCodes(NAMES), 'the SQL backfill and courseCodeFromName agree');
  t.equal(new Set(codes).size, codes.length, 'no code twice');
  // what those rules give, spelled out
  t.same(codes.slice(0, 3), ['digital-pedagogy', 'digital-pedagogy-2', 'digital-pedagogy-3'], 'colliding names: -2, -3 in order of creation');
  t.same(codes.slice(3, 7), ['course', 'course-2', 'course-3', 'course-4'], 'Arabic- and Chinese-only names: "course", numbered');
  t.equal(codes[7], 'fondation-l-ia-generative-a-l-universite', 'accents decomposed, apostrophes and spaces become hyphens');
  t.equal(codes[8], '1-x', 'the ASCII part of a mixed name is kept');
  t.same(codes.slice(9, 12), ['course-5', 'course-2-2', 'course-6'], 'a name whose slug is already taken gets the next number; a 1-character slug is "course"');
  t.equal(codes[12], 'istanbul-strae-nance-naive-cafe', 'characters without an ASCII decomposition are dropped');
  t.ok(codes[13]!.length <= 64 && codes[14]!.length <= 64, 'long names are cut to 64 characters');
  t.equal(codes[14], `${codes[13]!.slice(0, 62).replace(/-+$/, '')}-2`, 'two long names equal in their first 64 characters: the second is numbered within 64');
  t.equal(codes[15], 'course-7', 'a name of emoji only');
  t.equal(codes[16], 'ethics', 'the English name wins over the first language');
  for (const code of codes) t.match(code, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${code} is in the format`);
});

t.test('after 0009 the code is required, unique and in the format', async (t) => {
  const insert = (code: string | null) =>
    db.execute(sql`insert into achievements (code, name, description, criteria) values (${code}, '{"en":"X"}', '{"en":"X"}', '{"en":"X"}')`);
  await t.rejects(insert(null), 'a course without a code is refused');
  await t.rejects(insert('digital-pedagogy'), 'a code taken by another course is refused');
  for (const bad of ['Digital-Pedagogy', 'two words', 'trailing-', 'a', 'x'.repeat(65), 'double--hyphen']) {
    await t.rejects(insert(bad), `"${bad}" is refused by the database itself`);
  }
  await t.resolves(insert('a-new-course'), 'a good code is accepted');
});

t.test('the migrated courses are found by code, whatever the case, and by id', async (t) => {
  const migrated = await rows();
  t.equal((await findCourseByIdOrCode(db, 'DIGITAL-Pedagogy-2'))?.id, ids[1]);
  t.equal((await findCourseByIdOrCode(db, ' course-3 '))?.id, ids[5]);
  t.equal((await findCourseByIdOrCode(db, ids[7]!.toUpperCase()))?.code, migrated[7]!.code);
  t.equal(await findCourseByIdOrCode(db, 'digital-pedagogy-9'), undefined);
});

t.test('migrating again changes nothing', async (t) => {
  const before = await rows();
  await database.migrate();
  t.same(await rows(), before);
});
