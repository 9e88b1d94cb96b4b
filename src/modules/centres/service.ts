import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { type Language, pickLocalized } from '../../lib/i18n.js';
import { notFound } from '../../lib/problem.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { buildDidDocument, centreDid } from '../../vc/did-web.js';
import { listPublishedKeys } from '../keys/repository.js';
import { type CentreRow, findCentreBySlug } from './repository.js';

/** The centre as the issuer object embedded in its credentials (an OB 3.0 Profile). */
export function centreIssuerProfile({ centre, publicBaseUrl, language }: { centre: CentreRow; publicBaseUrl: string; language: Language }) {
  return {
    id: centreDid(publicBaseUrl, centre.slug),
    type: ['Profile'],
    name: pickLocalized(centre.name, language, centre.defaultLanguage as Language).value,
    url: centre.websiteUrl ?? `${publicBaseUrl}/centres/${centre.slug}`,
  };
}

export async function getCentre({ db, slug }: { db: Db; slug: string }): Promise<CentreRow> {
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
  return buildDidDocument({ did: centreDid(config.publicBaseUrl, centre.slug), keys });
}
