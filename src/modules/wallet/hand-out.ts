import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../plugins/context.js';
import { centreDid } from '../../vc/did-web.js';
import { signCredential } from '../../vc/sign.js';
import { asRecord } from '../../lib/json.js';
import { recordAction, type SystemActor } from '../audit/service.js';
import { isAuthorisedAt } from '../authorisations/service.js';
import { findCredential } from '../credentials/repository.js';
import { assertOpenBadge } from '../credentials/service.js';
import * as repository from './repository.js';
import type { WalletOfferRow } from './repository.js';
import { offerableRefusal } from './service.js';

/** Why a credential was not handed to a wallet (the protocols each say it their way). */
export class HandOutRefused extends Error {
  constructor(
    readonly reason: 'not-offerable' | 'already-used' | 'other-holder' | 'cannot-sign',
    description: string,
  ) {
    super(description);
    this.name = 'HandOutRefused';
  }
}

/**
 * The credential with `credentialSubject.id` set to the holder's DID, unsigned: everything else (its id, its status
 * entry, its dates) is the original's, so the copy is the same credential, revoked when the original is.
 */
function boundCopy(original: Record<string, unknown>, holderDid: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(original)
      .filter(([key]) => key !== 'proof')
      .map(([key, value]) => (key === 'credentialSubject' ? [key, { id: holderDid, ...asRecord(value) }] : [key, value])),
  );
}

/**
 * Hands the credential of an offer to a wallet, once per offer: the signed original as stored, or, when the wallet
 * proved possession of a DID, a copy bound to that DID signed now with the centre's active key and kept with the
 * original (its holder copies). The offer is completed, the copy stored and the act audited in one transaction;
 * a second hand-out of the same offer is refused. A credential that no longer holds, or that names another holder,
 * is refused; so is a new copy when the centre could not sign it now (suspended, or no longer authorised).
 */
export async function handOut({
  ctx,
  offer,
  holderDid,
  requestId,
}: {
  ctx: AppContext;
  offer: WalletOfferRow;
  holderDid?: string;
  requestId: string;
}): Promise<Record<string, unknown>> {
  const now = ctx.clock.now();
  const row = await findCredential(ctx.db, offer.credentialId);
  const refusal = row ? offerableRefusal(row, now) : 'The credential no longer exists.';
  if (refusal || !row?.document) throw new HandOutRefused('not-offerable', refusal ?? 'The credential was withdrawn.');
  const original = JSON.parse(row.document) as Record<string, unknown>;
  const subjectId = asRecord(original.credentialSubject).id;

  let credential = original;
  let copyId: string | undefined;
  if (holderDid && subjectId !== holderDid) {
    if (typeof subjectId === 'string') throw new HandOutRefused('other-holder', 'The credential names its holder by another DID: prove possession of that DID.');
    const centre = await ctx.lookups.centre(row.centreId);
    const authorised = centre?.status === 'active' && (await isAuthorisedAt({ db: ctx.db, centreId: centre.id, achievementId: row.achievementId, at: now }));
    if (!centre || !authorised) throw new HandOutRefused('cannot-sign', 'The issuing centre cannot sign a copy now (it is suspended or no longer authorised for this course); ask for the credential without a proof.');
    const key = await ctx.keys.activeAssertionKey({ centreId: centre.id, did: centreDid(ctx.config.publicBaseUrl, centre.slug) });
    credential = await signCredential({ credential: boundCopy(original, holderDid), key });
    // what we sign must meet Open Badges 3.0, as every credential we issue does
    assertOpenBadge(credential);
    copyId = randomUUID();
  }

  const actor: SystemActor = { kind: 'system', clientUuid: null, staffId: null, requestId };
  await ctx.db.transaction(async (tx) => {
    if (!(await repository.completeOffer(tx, { id: offer.id, now }))) throw new HandOutRefused('already-used', 'This offer was already used to obtain the credential.');
    if (copyId) await repository.insertHolderCopy(tx, { id: copyId, credentialId: row.id, offerId: offer.id, holderDid, document: JSON.stringify(credential) });
    await recordAction({
      db: tx,
      actor,
      action: 'credential.sent-to-wallet',
      centreId: row.centreId,
      target: `credential:${row.id}`,
      credentialId: row.id,
      // the holder's DID stays out of the audit trail (it names the learner's wallet); the copy keeps it
      details: { protocol: offer.protocol, offerId: offer.id, holderCopyId: copyId ?? null, boundToHolder: holderDid !== undefined },
    });
  });
  return credential;
}
