import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { HttpProblem } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import { listDemoAchievements } from '../achievements/repository.js';
import { courseCodeFromName } from '../achievements/codes.js';
import { createCourseIn, findCourseByIdOrCode, updateCourse } from '../achievements/service.js';
import { grantMissingAuthorisations } from '../authorisations/service.js';
import { createClient } from '../auth/service.js';
import { findCentreBySlug, insertCentre } from '../centres/repository.js';
import { DEMO_CENTRE, DEMO_COURSES, DEMO_SERIES } from './data.js';

export const DEMO_CLIENT_FILE = 'demo-client.json';

async function readDemoClientFile(path: string): Promise<{ client_id: string; centre: string } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const SYSTEM = { kind: 'system', clientUuid: null, staffId: null } as const;

/**
 * Creates the demo centre, its courses (each with its version-1 snapshot) and an API client, once: later
 * starts find them and only make sure the demo centre is authorised for every demo course (installations
 * created before authorisations existed get theirs on their next start). The client's secret is random per
 * installation and written only to keys/demo-client.json (mode 0600).
 */
export async function ensureDemoData({ ctx, log }: { ctx: AppContext; log: FastifyBaseLogger }) {
  const clientFile = join(ctx.config.keysDir, DEMO_CLIENT_FILE);
  const existingCentre = await findCentreBySlug(ctx.db, DEMO_CENTRE.slug);
  const existingFile = await readDemoClientFile(clientFile);
  if (existingCentre && existingFile) {
    await ensureDemoAuthorisations({ ctx, log });
    await ensureDemoCourseCodes({ ctx, log });
    log.info({ demoClientFile: clientFile }, `demo data present; demo API client credentials are in ${clientFile}`);
    return;
  }

  const created = await ctx.db.transaction(async (tx) => {
    const centre = existingCentre ?? (await insertCentre(tx, { ...DEMO_CENTRE, isDemo: true }));
    if (!existingCentre) {
      await ctx.keys.ensureActiveKey({ db: tx, centreId: centre.id, purpose: 'assertion' });
      for (const course of DEMO_COURSES) {
        await createCourseIn(tx, {
          actor: SYSTEM,
          input: { ...course, series: DEMO_SERIES, achievementType: 'MicroCredential', alignments: [], isDemo: true },
          audit: false,
        });
      }
    }
    // A missing file means the secret is lost: make a fresh client rather than reuse an unknown secret.
    const { client, clientSecret } = await createClient({
      db: tx,
      centreId: centre.id,
      name: 'Demo client',
      scopes: ['credentials:issue', 'credentials:manage', 'credentials:read'],
      isDemo: true,
    });
    return { centre, client, clientSecret };
  });
  await ensureDemoAuthorisations({ ctx, log });

  await mkdir(ctx.config.keysDir, { recursive: true, mode: 0o700 });
  const contents = { client_id: created.client.clientId, client_secret: created.clientSecret, centre: created.centre.slug };
  await writeFile(clientFile, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  await chmod(clientFile, 0o600);
  log.info(
    { demoClientFile: clientFile, centre: created.centre.slug },
    `demo data created: centre "${created.centre.slug}" with ${DEMO_COURSES.length} courses; demo API client credentials written to ${clientFile}`,
  );
}

/**
 * The demo centre may certify every demo course, from the time the centre (or the course, if later) was
 * created, so credentials it issued before authorisations existed are judged authorised too. A pair that
 * ever had an authorisation is left alone: an admin's revocation is never undone by a restart.
 */
async function ensureDemoAuthorisations({ ctx, log }: { ctx: AppContext; log: FastifyBaseLogger }) {
  const granted = await ctx.registry.changeAndPublish({
    reason: 'authorisation.granted',
    publishIf: (count: number) => count > 0,
    change: async (tx) => {
      const centre = await findCentreBySlug(tx, DEMO_CENTRE.slug);
      if (!centre) return 0;
      const courses = await listDemoAchievements(tx);
      const createdAt = new Map(courses.map((course) => [course.id, course.createdAt]));
      return grantMissingAuthorisations({
        db: tx,
        actor: SYSTEM,
        centre,
        achievements: courses,
        validFrom: (id) => new Date(Math.max(centre.createdAt.getTime(), createdAt.get(id)?.getTime() ?? 0)),
      });
    },
  });
  if (granted > 0) {
    log.info({ centre: DEMO_CENTRE.slug, granted }, `authorised the demo centre for ${granted} demo course(s)`);
    ctx.lookups.clear();
  }
}

/**
 * Demo courses created before courses had codes got long ones derived from their names (migration 0008): they get
 * the short demo codes the documentation uses, unless an admin has chosen a code since or another course holds it.
 */
async function ensureDemoCourseCodes({ ctx, log }: { ctx: AppContext; log: FastifyBaseLogger }) {
  const courses = await listDemoAchievements(ctx.db);
  for (const demo of DEMO_COURSES) {
    const course = courses.find((row) => row.name.en === demo.name.en);
    if (!course || course.code === demo.code || course.code !== courseCodeFromName(course.name)) continue;
    if (await findCourseByIdOrCode(ctx.db, demo.code)) continue;
    // A replica starting at the same moment may take the code first (409): its change is the same one.
    const renamed = await updateCourse({ ctx, actor: SYSTEM, id: course.id, changes: { code: demo.code } }).catch((error: unknown) => {
      if (error instanceof HttpProblem && error.status === 409) return undefined;
      throw error;
    });
    if (renamed) log.info({ course: course.id, code: demo.code }, `demo course ${course.id} now has the code "${demo.code}"`);
  }
}
