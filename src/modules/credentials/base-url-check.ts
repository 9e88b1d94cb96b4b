import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../plugins/context.js';
import { credentialsUnderOtherBase } from './repository.js';

/**
 * A credential's id, its issuer's did:web and its status list all name the public base URL it was issued under, and
 * they are signed: after PUBLIC_BASE_URL (or, without it, PORT) changes, every earlier credential points at an address
 * this service no longer answers for and verifies as "could not be checked". Nothing can fix that from here, so the
 * service says so at start-up, with the base to go back to.
 */
export async function warnIfIssuedUnderAnotherBase({ ctx, log }: { ctx: AppContext; log: FastifyBaseLogger }): Promise<void> {
  const configured = ctx.config.publicBaseUrl;
  const { count, bases } = await credentialsUnderOtherBase(ctx.db, configured);
  if (count === 0) return;
  const stored = bases.join(', ') || 'another address';
  log.warn(
    { storedBaseUrls: bases, publicBaseUrl: configured, credentials: count },
    `${count} stored credential(s) were issued under the public base URL ${stored}, but PUBLIC_BASE_URL is now ${configured}. ` +
      'Their ids, issuer DIDs and status lists are signed with the old address, so they no longer verify ("could not be checked"). ' +
      `To fix it, start the service with PUBLIC_BASE_URL=${bases[0] ?? '<the old base URL>'} again (without PUBLIC_BASE_URL the base is http://localhost:<PORT>, so restore PORT too); ` +
      'the public base URL must never change once credentials are issued. See docs/operations.md.',
  );
}
