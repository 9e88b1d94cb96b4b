import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import type { JobSender } from '../../jobs/queue.js';
import { isLanguage, pickLocalized } from '../../lib/i18n.js';
import { conflict, problem } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import type { Principal } from '../../plugins/auth.js';
import { renderCredentialEmail } from '../../web/email/credential-email.js';
import { recordAction } from '../audit/service.js';
import type { CentreRow } from '../centres/repository.js';
import * as credentials from '../credentials/repository.js';
import { credentialUrl } from '../credentials/document.js';
import { hasDocument, shortLinkOf, type StoredCredential } from '../credentials/service.js';
import { assertNotErased, centreCredential, managingCentre } from '../credentials/lifecycle.js';
import { isTemporaryMailFailure, mailFailureReason, type Mailer } from './mailer.js';
import { offerForEmail } from '../wallet/service.js';
import * as repository from './repository.js';

/**
 * Queues e-mails of a centre's credentials, each to its address, in the caller's transaction: the deliveries
 * exist exactly when what asked for them (an issuance, a batch's group of rows, a re-send) commits. Returns
 * their ids in the order of `recipients`.
 */
export async function queueDeliveries(
  tx: DbOrTx,
  { jobs, centreId, requestedByClientId, recipients }: { jobs: JobSender; centreId: string; requestedByClientId: string | null; recipients: { credentialId: string; email: string }[] },
): Promise<string[]> {
  if (recipients.length === 0) return [];
  const rows = recipients.map(({ credentialId, email }) => ({ id: randomUUID(), credentialId, centreId, recipientEmail: email, requestedByClientId }));
  await repository.insertDeliveries(tx, rows);
  await jobs.send(
    tx,
    'delivery',
    rows.map(({ id }) => ({ data: { deliveryId: id } })),
  );
  return rows.map(({ id }) => id);
}

export function deliveryView(row: repository.DeliveryRow) {
  return {
    id: row.id,
    credentialId: row.credentialId,
    to: row.recipientEmail,
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    queuedAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

/**
 * POST /api/v1/credentials/:id/deliver: e-mails one of the centre's credentials again, to its recorded address
 * or to a corrected one (which then replaces the recorded one). Audited; a revoked credential is not sent.
 */
export async function redeliverCredential({ ctx, principal, id, email }: { ctx: AppContext; principal: Principal; id: string; email?: string }) {
  const centre = await managingCentre(ctx, principal);
  const row = await centreCredential(ctx, centre, id);
  assertNotErased(row);
  if (row.revokedAt) throw conflict('The credential is revoked (or replaced by a correction); it is not sent to anyone. Deliver the current one.', 'credential-revoked');
  const to = email ?? row.recipientEmail;
  if (!to) throw problem(422, 'no-recipient-email', 'The credential has no e-mail address on record; give one in the body: {"email": "learner@example.org"}.');
  const deliveryId = await ctx.db.transaction(async (tx) => {
    const addressChanged = email !== undefined && email !== row.recipientEmail;
    if (addressChanged) await credentials.setRecipientEmail(tx, row.id, email);
    const [queued] = await queueDeliveries(tx, { jobs: ctx.jobs, centreId: centre.id, requestedByClientId: principal.clientUuid, recipients: [{ credentialId: row.id, email: to }] });
    if (!queued) throw new Error('queueDeliveries returned no id');
    await recordAction({
      db: tx,
      actor: principal,
      action: 'credential.delivery-requested',
      centreId: centre.id,
      target: `credential:${row.id}`,
      credentialId: row.id,
      // the address itself stays out of the audit trail (it is personal data kept only for delivery)
      details: { deliveryId: queued, addressChanged },
    });
    return queued;
  });
  return deliveryView((await repository.findDelivery(ctx.db, deliveryId))!);
}

/** The delivery history of one of the centre's credentials, newest first. */
export async function credentialDeliveries({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  const row = await centreCredential(ctx, await managingCentre(ctx, principal), id);
  return { items: (await repository.listDeliveries(ctx.db, row.id, 50)).map(deliveryView) };
}

export type DeliveryOutcome = { kind: 'sent' | 'failed' | 'skipped' } | { kind: 'later'; afterSeconds: number };

// Temporary failures are retried after 1, 2, 4, 8… times the base delay (by default a minute), up to an hour.
const retryDelaySeconds = (attempts: number, baseSeconds: number) => Math.min(3600, baseSeconds * 2 ** Math.max(0, attempts - 1));

/**
 * Works one delivery: sends the e-mail unless the centre has used its sending pace for this minute, and records
 * the outcome. A temporary failure (the mail server busy or unreachable) is tried again later, up to
 * `mail.maxAttempts`; a permanent one (no such mailbox) fails at once. Never touches the credential itself.
 */
export async function sendDelivery({ ctx, mailer, deliveryId }: { ctx: AppContext; mailer: Mailer; deliveryId: string }): Promise<DeliveryOutcome> {
  const delivery = await repository.findDelivery(ctx.db, deliveryId);
  if (!delivery || delivery.state !== 'queued') return { kind: 'skipped' };
  const { ratePerMinute, maxAttempts, retryBaseSeconds } = ctx.config.mail;
  if ((await repository.sentSince(ctx.db, delivery.centreId, 60)) >= ratePerMinute) return { kind: 'later', afterSeconds: 10 };

  const credential = await credentials.findCredential(ctx.db, delivery.credentialId);
  const centre = await ctx.lookups.centre(delivery.centreId);
  if (!credential || !centre) return { kind: 'skipped' };
  // revoked (or replaced by a correction) after the e-mail was asked for: the learner would get a dead link. (An
  // erased credential is revoked, and its deliveries were deleted with its address: nothing is left to send.)
  if (credential.revokedAt || !hasDocument(credential)) {
    await repository.recordAttempt(ctx.db, delivery.id, { state: 'failed', lastError: 'Not sent: the credential was revoked before the e-mail went out.' });
    return { kind: 'failed' };
  }
  // each e-mail carries its own offer link: the learner's way to add the credential to a wallet app
  const offer = await offerForEmail({ ctx, credentialId: credential.id });
  const message = await renderCredentialEmail({ ...credentialEmailInput({ ctx, credential, centre }), walletOffer: { url: offer.page, expiresAt: offer.expiresAt } });
  try {
    const sent = await mailer.send({ to: delivery.recipientEmail, replyTo: centre.contactEmail ?? undefined, ...message });
    await repository.recordAttempt(ctx.db, delivery.id, { state: 'sent', messageId: sent.messageId });
    return { kind: 'sent' };
  } catch (error) {
    // the server's reply with every address cut down to its domain
    const reason = mailFailureReason(error);
    const retry = isTemporaryMailFailure(error) && delivery.attempts + 1 < maxAttempts;
    await repository.recordAttempt(ctx.db, delivery.id, { state: retry ? 'queued' : 'failed', lastError: reason });
    return retry ? { kind: 'later', afterSeconds: retryDelaySeconds(delivery.attempts + 1, retryBaseSeconds) } : { kind: 'failed' };
  }
}

/** The e-mail's content from what the signed credential says (its language, course and centre names). */
function credentialEmailInput({ ctx, credential, centre }: { ctx: AppContext; credential: StoredCredential; centre: CentreRow }) {
  const document = JSON.parse(credential.document) as { credentialSubject?: { achievement?: { name?: string } }; issuer?: { name?: string } };
  const language = isLanguage(credential.language) ? credential.language : 'en';
  const { link, code } = shortLinkOf(credential, ctx.config.publicBaseUrl);
  return {
    language,
    recipientName: credential.recipientName,
    courseName: document.credentialSubject?.achievement?.name ?? '',
    centreName: document.issuer?.name ?? pickLocalized(centre.name, language).value,
    centreContactEmail: centre.contactEmail,
    platformName: ctx.config.platform.name,
    credentialUrl: credentialUrl(ctx.config.publicBaseUrl, credential.id),
    shortLink: link,
    shortCode: code,
    issuedOn: credential.validFrom,
    expiresOn: credential.validUntil,
  };
}
