import { generateSecret, hashSecret } from '../../lib/secrets.js';
import { conflict, notFound } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { recordAction, type SystemActor } from '../audit/service.js';
import * as authRepository from '../auth/repository.js';
import type { ApiClientRow } from '../auth/repository.js';
import { createClient } from '../auth/service.js';
import type { Scope } from '../auth/scopes.js';
import { isPlatformAdmin } from '../centres/access.js';
import type { CentreRow } from '../centres/repository.js';

export function clientView(client: ApiClientRow, centreSlug: string | null) {
  return {
    client_id: client.clientId,
    centre: centreSlug,
    name: client.name,
    scopes: client.scopes,
    status: client.status,
    createdAt: client.createdAt.toISOString(),
    secretRotatedAt: client.secretRotatedAt?.toISOString() ?? null,
    disabledAt: client.disabledAt?.toISOString() ?? null,
  };
}

/** A centre's new API client; the secret is in this answer only. */
export async function createCentreClient({ ctx, actor, centre, name, scopes }: { ctx: AppContext; actor: Principal | SystemActor; centre: CentreRow; name: string; scopes: Scope[] }) {
  return ctx.db.transaction(async (tx) => {
    const { client, clientSecret } = await createClient({ db: tx, centreId: centre.id, name, scopes });
    await recordAction({ db: tx, actor, action: 'client.created', centreId: centre.id, target: `client:${client.clientId}`, details: { name, scopes } });
    return { ...clientView(client, centre.slug), client_secret: clientSecret };
  });
}

export async function listCentreClients({ ctx, centre }: { ctx: AppContext; centre: CentreRow }) {
  return { items: (await authRepository.listClientsOfCentre(ctx.db, centre.id)).map((client) => clientView(client, centre.slug)) };
}

/** The client a principal may manage: admins any, a centre's client only its own centre's. */
async function manageableClient({ ctx, principal, clientId }: { ctx: AppContext; principal: Principal; clientId: string }) {
  const found = await authRepository.findClientByClientId(ctx.db, clientId);
  if (!found || (!isPlatformAdmin(principal) && found.client.centreId !== principal.centreId)) {
    throw notFound(`No API client "${clientId}" is visible to this client.`);
  }
  return found;
}

/**
 * A new secret: the old one gets no token from now on, and the tokens minted with it (which name the secret's
 * version) stop working within seconds on every replica, as a disabled client's do.
 */
export async function rotateClientSecret({ ctx, principal, clientId }: { ctx: AppContext; principal: Principal; clientId: string }) {
  const { client, centreSlug } = await manageableClient({ ctx, principal, clientId });
  if (client.status !== 'active') throw conflict(`The client "${clientId}" is disabled; create a new one instead.`);
  const clientSecret = generateSecret();
  const updated = await ctx.db.transaction(async (tx) => {
    const row = await authRepository.updateClient(tx, client.id, { secretHash: await hashSecret(clientSecret), secretRotatedAt: new Date() });
    await recordAction({ db: tx, actor: principal, action: 'client.secret-rotated', centreId: client.centreId, target: `client:${clientId}` });
    return row;
  });
  return { ...clientView(updated, centreSlug), client_secret: clientSecret };
}

/** Disabling takes effect within seconds on every replica (tokens are checked against the client's status). */
export async function disableClient({ ctx, principal, clientId, reason }: { ctx: AppContext; principal: Principal; clientId: string; reason: string }) {
  const { client, centreSlug } = await manageableClient({ ctx, principal, clientId });
  if (client.status === 'disabled') throw conflict(`The client "${clientId}" is already disabled.`);
  const updated = await ctx.db.transaction(async (tx) => {
    const row = await authRepository.updateClient(tx, client.id, { status: 'disabled', disabledAt: new Date() });
    await recordAction({ db: tx, actor: principal, action: 'client.disabled', centreId: client.centreId, target: `client:${clientId}`, details: { reason } });
    return row;
  });
  return clientView(updated, centreSlug);
}
