import { randomUUID } from 'node:crypto';
import type { Language } from '../../lib/i18n.js';
import { isUuid } from '../../lib/ids.js';
import { conflict, problem } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { findCourseByIdOrCode } from '../achievements/service.js';
import { issuingCentre } from '../credentials/service.js';
import * as repository from './repository.js';
import { type BatchSource, checkRows, rowReport, submitBatch } from './service.js';

// Long enough to read the report, fix a choice and confirm; short, because the upload holds personal data.
const UPLOAD_LIFETIME_MS = 60 * 60 * 1000;

/**
 * The console's two-step upload: the file is checked and kept (not issued) until its uploader has seen the report
 * and confirms. Returns the upload's id. A course or delivery choice is kept with it.
 */
export async function stageUpload({ ctx, principal, source, achievementId, deliver }: { ctx: AppContext; principal: Principal; source: BatchSource; achievementId?: string; deliver: boolean }) {
  const centre = await issuingCentre({ ctx, principal });
  if (!principal.staffId) throw new Error('stageUpload is the console\'s: a staff member uploads');
  const course = achievementId ? await findCourseByIdOrCode(ctx.db, achievementId) : undefined;
  const id = randomUUID();
  const now = ctx.clock.now();
  await repository.insertUpload(
    ctx.db,
    { id, centreId: centre.id, staffId: principal.staffId, source: source as unknown as Record<string, unknown>, defaultAchievementId: course?.id ?? null, deliver, expiresAt: new Date(now.getTime() + UPLOAD_LIFETIME_MS) },
    now,
  );
  return id;
}

async function centreUpload(ctx: AppContext, principal: Principal, id: string) {
  const upload = isUuid(id) && principal.centreId ? await repository.findUpload(ctx.db, { id: id.toLowerCase(), centreId: principal.centreId, now: ctx.clock.now() }) : undefined;
  // expired, confirmed already, another centre's: the uploader starts again
  if (!upload) throw problem(404, 'upload-gone', `No upload "${id}" is waiting for this centre: it was confirmed already or expired after an hour. Upload the file again.`);
  return { upload, source: upload.source as unknown as BatchSource };
}

/** The report of a staged upload, checked again now (authorisations and issued credentials may have changed). */
export async function stagedUploadReport({ ctx, principal, id, language }: { ctx: AppContext; principal: Principal; id: string; language: Language }) {
  const centre = await issuingCentre({ ctx, principal });
  const { upload, source } = await centreUpload(ctx, principal, id);
  const checked = await checkRows({ ctx, centre, source, options: { achievementId: upload.defaultAchievementId ?? undefined, deliver: upload.deliver, skipInvalidRows: true } });
  return { upload, source, report: rowReport({ source, checked, language }) };
}

/** Confirms a staged upload: the batch is created (by the API's service) and the upload deleted, in one transaction. */
export async function confirmUpload({ ctx, principal, id, skipInvalidRows, language }: { ctx: AppContext; principal: Principal; id: string; skipInvalidRows: boolean; language: Language }) {
  const { upload, source } = await centreUpload(ctx, principal, id);
  const result = await submitBatch({
    ctx,
    principal,
    source,
    options: { achievementId: upload.defaultAchievementId ?? undefined, deliver: upload.deliver, skipInvalidRows },
    dryRun: false,
    language,
    claim: async (tx, centre) => {
      if (!(await repository.takeUpload(tx, { id: upload.id, centreId: centre.id }))) throw conflict('This upload was confirmed already; its batch is on the cohorts page.', 'upload-confirmed');
    },
  });
  if (result.dryRun) throw new Error('confirmUpload asked for a real run');
  return result.batchId;
}
