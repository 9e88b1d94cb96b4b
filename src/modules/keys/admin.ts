import { z } from 'zod';
import { badRequest, conflict, notFound } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { centreDid, verificationMethodId } from '../../vc/did-web.js';
import { recordAction, type SystemActor } from '../audit/service.js';
import type { CentreRow } from '../centres/repository.js';
import * as repository from './repository.js';

export const keyViewSchema = z.object({
  id: z.string().describe('the verification method id (a DID URL)'),
  status: z.enum(['active', 'retired', 'compromised']),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
  compromisedAt: z.string().nullable(),
});

function keyView(row: repository.SigningKeyRow, did: string): z.infer<typeof keyViewSchema> {
  return {
    id: verificationMethodId(did, row.publicKeyMultibase),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    retiredAt: row.retiredAt?.toISOString() ?? null,
    compromisedAt: row.compromisedAt?.toISOString() ?? null,
  };
}

export async function listCentreKeys({ ctx, centre }: { ctx: AppContext; centre: CentreRow }) {
  const did = centreDid(ctx.config.publicBaseUrl, centre.slug);
  return { items: (await repository.listKeys(ctx.db, centre.id)).map((row) => keyView(row, did)) };
}

/** Rotation: a new active key; the old one stays in the DID document (old credentials keep verifying). */
export async function rotateCentreKey({ ctx, actor, centre }: { ctx: AppContext; actor: Principal | SystemActor; centre: CentreRow }) {
  const did = centreDid(ctx.config.publicBaseUrl, centre.slug);
  // With the registry: rotations of one centre go one at a time, each retiring the key the previous one made.
  const created = await ctx.registry.changeAndPublish({
    reason: 'key.rotated',
    change: async (tx) => {
      const active = await repository.findActiveKey(tx, centre.id, 'assertion');
      if (!active) throw new Error(`centre ${centre.slug} has no active key`);
      const replacement = await ctx.keys.replaceActiveKey({ db: tx, centreId: centre.id, retire: { id: active.id, status: 'retired' } });
      await recordAction({
        db: tx,
        actor,
        action: 'key.rotated',
        centreId: centre.id,
        target: `centre:${centre.slug}`,
        details: { retired: verificationMethodId(did, active.publicKeyMultibase), active: verificationMethodId(did, replacement.publicKeyMultibase) },
      });
      return replacement;
    },
  });
  ctx.resolveOwnDid.clear();
  ctx.lookups.clear();
  return keyView(created, did);
}

/**
 * Compromise: the key leaves the DID document, so everything it signed fails as `key.revoked`; if it was
 * the active key a new one replaces it.
 */
export async function compromiseCentreKey({ ctx, actor, centre, keyId, reason }: { ctx: AppContext; actor: Principal | SystemActor; centre: CentreRow; keyId: string; reason: string }) {
  const did = centreDid(ctx.config.publicBaseUrl, centre.slug);
  const prefix = `${did}#`;
  if (!keyId.startsWith(prefix)) throw badRequest(`keyId must be one of this centre's verification method ids (${prefix}…).`, [{ path: 'body.keyId', message: `must start with ${prefix}` }]);
  await ctx.registry.changeAndPublish({
    reason: 'key.compromised',
    change: async (tx) => {
      // read after the registry lock, so a rotation or compromise committed just before is seen
      const key = await repository.findKeyByPublicKey(tx, keyId.slice(prefix.length));
      if (!key || key.centreId !== centre.id || key.purpose !== 'assertion') throw notFound(`The centre "${centre.slug}" has no key ${keyId}.`);
      if (key.status === 'compromised') throw conflict(`The key ${keyId} is already marked compromised.`);
      if (key.status === 'active') await ctx.keys.replaceActiveKey({ db: tx, centreId: centre.id, retire: { id: key.id, status: 'compromised', reason } });
      else await repository.retireKey(tx, key.id, { status: 'compromised', at: new Date(), reason });
      // The lists are re-signed with the active key in this same transaction: the answer then matches what was
      // committed, and no list is ever left signed by a key that no longer verifies.
      const active = await ctx.keys.ensureActiveKey({ db: tx, centreId: centre.id, purpose: 'assertion' });
      await ctx.statusLists.resignCentreLists(tx, centre.id, { did, key: await ctx.keys.signingKey({ row: active, did }) });
      await recordAction({ db: tx, actor, action: 'key.compromised', centreId: centre.id, target: `centre:${centre.slug}`, details: { keyId, reason } });
    },
  });
  ctx.keys.clearCache();
  ctx.resolveOwnDid.clear();
  ctx.lookups.clear();
  ctx.statusLists.changed();
  return listCentreKeys({ ctx, centre });
}
