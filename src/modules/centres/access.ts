import { notFound } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { type CentreRow, findCentreBySlug } from './repository.js';

export const isPlatformAdmin = (principal: Principal) => principal.centreId === null && principal.scopes.has('registry:admin');

/**
 * The centre a principal may act on: a platform admin any centre, a centre's client only its own. Any other
 * centre is answered as not found, so a client cannot even learn which other centres exist.
 */
export async function centreForPrincipal({ ctx, principal, slug }: { ctx: AppContext; principal: Principal; slug: string }): Promise<CentreRow> {
  const centre = await findCentreBySlug(ctx.db, slug);
  if (!centre || (!isPlatformAdmin(principal) && centre.id !== principal.centreId)) {
    throw notFound(`No centre "${slug}" is visible to this client.`);
  }
  return centre;
}
