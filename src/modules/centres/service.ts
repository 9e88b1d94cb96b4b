import type { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { type Language, pickLocalized } from '../../lib/i18n.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { conflict, notFound } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { recordAction, type SystemActor } from '../audit/service.js';
import { isPlatformAdmin } from './access.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { buildDidDocument, centreDid } from '../../vc/did-web.js';
import { listPublishedKeys } from '../keys/repository.js';
import { type CentreRow, findCentreBySlug, insertCentre, listCentres, recordStatusChange, updateCentre } from './repository.js';
import type { createCentreBodySchema, updateCentreBodySchema } from './schemas.js';

type CreateCentreInput = z.output<typeof createCentreBodySchema>;
type UpdateCentreInput = z.output<typeof updateCentreBodySchema>;

/** The centre as the issuer object embedded in its credentials (an OB 3.0 Profile). */
export function centreIssuerProfile({ centre, publicBaseUrl, language }: { centre: CentreRow; publicBaseUrl: string; language: Language }) {
  return {
    id: centreDid(publicBaseUrl, centre.slug),
    type: ['Profile'],
    name: pickLocalized(centre.name, language, centre.defaultLanguage as Language).value,
    url: centre.websiteUrl ?? `${publicBaseUrl}/centres/${centre.slug}`,
  };
}

export async function getCentre({ db, slug }: { db: DbOrTx; slug: string }): Promise<CentreRow> {
  const centre = await findCentreBySlug(db, slug);
  if (!centre) throw notFound(`No centre has the slug "${slug}".`);
  return centre;
}

/** GET /centres/:slug: the public OB 3.0 Profile document of a centre. */
export async function getCentreProfile({ db, config, slug, language }: { db: Db; config: Config; slug: string; language?: Language }) {
  const centre = await getCentre({ db, slug });
  const chosen = language ?? (centre.defaultLanguage as Language);
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    ...centreIssuerProfile({ centre, publicBaseUrl: config.publicBaseUrl, language: chosen }),
    ...(centre.contactEmail ? { email: centre.contactEmail } : {}),
    address: { type: ['Address'], addressCountryCode: centre.countryCode },
  };
}

/** The did:web document of a centre, built from its keys in the database (never fetched). */
export async function centreDidDocument({ db, config, centre }: { db: Db; config: Config; centre: CentreRow }) {
  const keys = await listPublishedKeys(db, centre.id);
  return buildDidDocument({ did: centreDid(config.publicBaseUrl, centre.slug), keys, publicBaseUrl: config.publicBaseUrl });
}

/** The API view of a centre. */
export function centreView(centre: CentreRow, publicBaseUrl: string) {
  return {
    id: centre.id,
    slug: centre.slug,
    did: centreDid(publicBaseUrl, centre.slug),
    name: centre.name,
    defaultLanguage: centre.defaultLanguage,
    countryCode: centre.countryCode,
    hostInstitution: centre.hostInstitution,
    websiteUrl: centre.websiteUrl,
    contactEmail: centre.contactEmail,
    vcalmSecuring: centre.vcalmSecuring,
    status: centre.status,
    demo: centre.isDemo,
    createdAt: centre.createdAt.toISOString(),
  };
}

/**
 * Creates a centre with its first signing key, active from now: one transaction with its audit event and the
 * registry version that lists it. Two requests for one slug at once: the registry lock orders them, and the
 * second finds the first's centre (409).
 */
export async function createCentre({ ctx, actor, input }: { ctx: AppContext; actor: Principal | SystemActor; input: CreateCentreInput }) {
  const centre = await ctx.registry.changeAndPublish({
    reason: 'centre.created',
    change: async (tx) => {
      if (await findCentreBySlug(tx, input.slug)) {
        throw conflict(`A centre with the slug "${input.slug}" already exists; slugs are permanent (they are part of the centre's DID).`);
      }
      const created = await insertCentre(tx, { ...input, defaultLanguage: input.defaultLanguage ?? 'en' });
      await recordStatusChange(tx, { centreId: created.id, status: 'active', reason: 'created' });
      await ctx.keys.ensureActiveKey({ db: tx, centreId: created.id, purpose: 'assertion' });
      await recordAction({ db: tx, actor, action: 'centre.created', centreId: created.id, target: `centre:${created.slug}`, details: { after: centreView(created, ctx.config.publicBaseUrl) } });
      return created;
    },
  });
  return centreView(centre, ctx.config.publicBaseUrl);
}

export async function updateCentreDetails({ ctx, actor, slug, changes }: { ctx: AppContext; actor: Principal | SystemActor; slug: string; changes: UpdateCentreInput }) {
  const after = await ctx.registry.changeAndPublish({
    reason: 'centre.updated',
    change: async (tx) => {
      const before = await getCentre({ db: tx, slug }); // read after the lock: concurrent changes are seen
      const updated = await updateCentre(tx, before.id, changes);
      await recordAction({
        db: tx,
        actor,
        action: 'centre.updated',
        centreId: before.id,
        target: `centre:${slug}`,
        details: { before: centreView(before, ctx.config.publicBaseUrl), after: centreView(updated, ctx.config.publicBaseUrl) },
      });
      return updated;
    },
  });
  ctx.lookups.clear();
  return centreView(after, ctx.config.publicBaseUrl);
}

/** Suspends or reactivates; the history is kept so credentials are judged by the status when they were issued. */
export async function setCentreStatus({ ctx, actor, slug, status, reason }: { ctx: AppContext; actor: Principal | SystemActor; slug: string; status: 'active' | 'suspended'; reason: string }) {
  const updated = await ctx.registry.changeAndPublish({
    reason: `centre.${status}`,
    change: async (tx) => {
      const centre = await getCentre({ db: tx, slug });
      if (centre.status === status) throw conflict(`The centre "${slug}" is already ${status}.`);
      const row = await updateCentre(tx, centre.id, { status });
      await recordStatusChange(tx, { centreId: centre.id, status, reason });
      await recordAction({ db: tx, actor, action: status === 'suspended' ? 'centre.suspended' : 'centre.reactivated', centreId: centre.id, target: `centre:${slug}`, details: { reason } });
      return row;
    },
  });
  ctx.lookups.clear();
  return centreView(updated, ctx.config.publicBaseUrl);
}

/** Admins see every centre, a centre's client only its own. */
export async function listVisibleCentres({ ctx, principal, limit, cursor }: { ctx: AppContext; principal: Principal; limit: number; cursor?: string }) {
  const rows = await listCentres(ctx.db, { limit, after: decodeCursor(cursor), onlyId: isPlatformAdmin(principal) ? undefined : (principal.centreId ?? '00000000-0000-0000-0000-000000000000') });
  const page = toPage(rows, limit);
  return { items: page.items.map((row) => centreView(row, ctx.config.publicBaseUrl)), nextCursor: page.nextCursor };
}
