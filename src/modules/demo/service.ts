import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../plugins/context.js';
import { insertAchievement } from '../achievements/repository.js';
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

/**
 * Creates the demo centre, its courses and an API client, once: later starts find them and do nothing.
 * The client's secret is random per installation and written only to keys/demo-client.json (mode 0600).
 */
export async function ensureDemoData({ ctx, log }: { ctx: AppContext; log: FastifyBaseLogger }) {
  const clientFile = join(ctx.config.keysDir, DEMO_CLIENT_FILE);
  const existingCentre = await findCentreBySlug(ctx.db, DEMO_CENTRE.slug);
  const existingFile = await readDemoClientFile(clientFile);
  if (existingCentre && existingFile) {
    log.info({ demoClientFile: clientFile }, `demo data present; demo API client credentials are in ${clientFile}`);
    return;
  }

  const created = await ctx.db.transaction(async (tx) => {
    const centre = existingCentre ?? (await insertCentre(tx, { ...DEMO_CENTRE, isDemo: true }));
    if (!existingCentre) {
      await ctx.keys.ensureActiveKey({ db: tx, centreId: centre.id, purpose: 'assertion' });
      for (const course of DEMO_COURSES) {
        await insertAchievement(tx, { ...course, series: DEMO_SERIES, achievementType: 'MicroCredential', isDemo: true });
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

  await mkdir(ctx.config.keysDir, { recursive: true, mode: 0o700 });
  const contents = { client_id: created.client.clientId, client_secret: created.clientSecret, centre: created.centre.slug };
  await writeFile(clientFile, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  await chmod(clientFile, 0o600);
  log.info(
    { demoClientFile: clientFile, centre: created.centre.slug },
    `demo data created: centre "${created.centre.slug}" with ${DEMO_COURSES.length} courses; demo API client credentials written to ${clientFile}`,
  );
}
