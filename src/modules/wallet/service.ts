import { createHmac, randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { problem } from '../../lib/problem.js';
import type { Language } from '../../lib/i18n.js';
import type { AppContext } from '../../plugins/context.js';
import type { Principal } from '../../plugins/auth.js';
import { type Actor, recordAction } from '../audit/service.js';
import { centreCredential, credentialState, managingCentre } from '../credentials/lifecycle.js';
import type { CredentialRow } from '../credentials/repository.js';
import { credentialWithdrawn, getStoredCredential } from '../credentials/service.js';
import { credentialPageContent } from '../pages/service.js';
import { newToken, tokenHash } from '../staff/sessions.js';
import * as repository from './repository.js';
import type { WalletOfferRow, WalletProtocol } from './repository.js';

/** The one credential configuration of our issuer metadata: an Open Badges 3.0 credential secured with Data Integrity. */
export const CREDENTIAL_CONFIGURATION_ID = 'iioe_open_badge_ldp_vc';
export const PRE_AUTHORIZED_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** Where wallets talk to us (paths under PUBLIC_BASE_URL). */
export const WALLET_PATHS = {
  offerPage: '/wallet/offers',
  nonce: '/wallet/nonce',
  credential: '/wallet/credential',
  exchanges: '/wallet/exchanges',
} as const;

// An e-mail is read days later, so its offer lasts a month; an offer made in the console is shown to the learner
// there and then, so it lasts a day.
const EMAILED_OFFER_MS = 30 * 24 * 3600_000;
const CONSOLE_OFFER_MS = 24 * 3600_000;
// An expired offer is kept a week, so that a wallet (or a learner) coming back late is told it expired rather than
// that it is unknown; then it is deleted when the next offer is made.
const EXPIRED_OFFER_KEPT_MS = 7 * 24 * 3600_000;

/** Shaped like our random codes (a link's secret, a protocol's code): 256 bits, base64url (43 characters). */
export const isCodeShaped = (value: string) => /^[A-Za-z0-9_-]{43}$/.test(value);

/**
 * One offer link opens both protocols: each protocol's code (the pre-authorised code, the exchange's secret) is
 * derived from the link's secret, so the link gives the learner both while the database keeps neither the link
 * nor the codes, only the codes' hashes; a code does not reveal the link nor the other code.
 */
const protocolCode = (secret: string, protocol: WalletProtocol) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(`iioe-wallet-offer ${protocol}`).digest('base64url');

/** What a wallet offer is shown as: the page of ours the e-mail links to, and what that page shows. */
export interface WalletOfferLinks {
  /** `<base>/wallet/offers/<secret>`: the offer's page (QR codes and buttons) */
  page: string;
  /** `openid-credential-offer://?credential_offer=…`: the OpenID4VCI offer, by value */
  credentialOffer: string;
  /** `https://lcw.app/request?request=…`: the invitation the DCC Learner Credential Wallet opens */
  learnerCredentialWallet: string;
  expiresAt: Date;
}

function offerLinks(config: Pick<Config, 'publicBaseUrl'>, secret: string, expiresAt: Date): WalletOfferLinks {
  const base = config.publicBaseUrl;
  const offer = {
    credential_issuer: base,
    credential_configuration_ids: [CREDENTIAL_CONFIGURATION_ID],
    grants: { [PRE_AUTHORIZED_CODE_GRANT]: { 'pre-authorized_code': protocolCode(secret, 'oid4vci') } },
  };
  // The wallet's "exchange invitation": it POSTs to the vcapi URL and follows the VCALM exchange from there.
  const invitation = { credentialRequestOrigin: base, protocols: { vcapi: `${base}${WALLET_PATHS.exchanges}/${protocolCode(secret, 'vcapi')}` } };
  return {
    page: `${base}${WALLET_PATHS.offerPage}/${secret}`,
    credentialOffer: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`,
    learnerCredentialWallet: `https://lcw.app/request?request=${encodeURIComponent(JSON.stringify(invitation))}`,
    expiresAt,
  };
}

/**
 * Creates one offer link for a credential: an OpenID4VCI offer and a VCALM exchange, each usable once until
 * `expiresAt`. Only the hashes of their codes are stored; the link is returned here and nowhere else. Offers that
 * expired more than a week before `now` are deleted first (as expired uploads are when the next one is stored).
 */
async function createOffer(db: DbOrTx, { config, credentialId, now, expiresAt }: { config: Pick<Config, 'publicBaseUrl'>; credentialId: string; now: Date; expiresAt: Date }) {
  await repository.deleteOffersExpiredBefore(db, new Date(now.getTime() - EXPIRED_OFFER_KEPT_MS));
  const secret = newToken();
  const rows = (['oid4vci', 'vcapi'] as const).map((protocol) => ({
    id: randomUUID(),
    credentialId,
    protocol,
    codeHash: tokenHash(protocolCode(secret, protocol)),
    // what the wallet's DID authentication must sign (the exchange's challenge)
    challenge: protocol === 'vcapi' ? randomUUID() : null,
    expiresAt,
  }));
  await repository.insertOffers(db, rows);
  return { links: offerLinks(config, secret, expiresAt), offerIds: rows.map((row) => row.id) };
}

/** Why a credential may not go into a wallet now (erased, replaced, revoked or suspended), or undefined when it may. */
export function offerableRefusal(row: CredentialRow, now: Date): string | undefined {
  if (row.erasedAt) return 'The credential was withdrawn at its holder\'s request.';
  const state = credentialState(row, now);
  return state === 'revoked' || state === 'superseded' || state === 'suspended' ? `The credential is ${state}: it cannot be added to a wallet.` : undefined;
}

/** Refuses a credential that may not go into a wallet now: 410 when erased (as everywhere), else 409. */
export function assertOfferable(row: CredentialRow, now: Date) {
  if (row.erasedAt) throw credentialWithdrawn(row.id);
  const refusal = offerableRefusal(row, now);
  if (refusal) throw problem(409, 'credential-not-offerable', refusal, { state: credentialState(row, now) });
}

/**
 * Creates an offer link lasting `lifetimeMs` and records it in the audit trail as `credential.wallet-offer-created`,
 * in one transaction. The event names the offers and where they were made for, never their codes.
 */
function createAuditedOffer({
  ctx,
  actor,
  credential,
  channel,
  lifetimeMs,
}: {
  ctx: AppContext;
  actor: Actor;
  credential: Pick<CredentialRow, 'id' | 'centreId'>;
  channel: 'email' | 'console';
  lifetimeMs: number;
}): Promise<WalletOfferLinks> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    const { links, offerIds } = await createOffer(tx, { config: ctx.config, credentialId: credential.id, now, expiresAt });
    await recordAction({
      db: tx,
      actor,
      action: 'credential.wallet-offer-created',
      centreId: credential.centreId,
      target: `credential:${credential.id}`,
      credentialId: credential.id,
      details: { offerIds, channel, expiresAt: expiresAt.toISOString() },
    });
    return links;
  });
}

/** The offer link an e-mail to the learner carries (the delivery job makes one per e-mail it sends); audited, by the service. */
export async function offerForEmail({ ctx, credentialId }: { ctx: AppContext; credentialId: string }): Promise<WalletOfferLinks> {
  const credential = await getStoredCredential({ ctx, id: credentialId });
  return createAuditedOffer({ ctx, actor: { kind: 'system', clientUuid: null, staffId: null }, credential, channel: 'email', lifetimeMs: EMAILED_OFFER_MS });
}

/**
 * A centre's staff member makes an offer link for one of the centre's credentials, to show the learner now; audited.
 * Refused for a credential that cannot go into a wallet (erased, replaced, revoked, suspended).
 */
export async function createCentreOffer({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }): Promise<WalletOfferLinks> {
  const centre = await managingCentre(ctx, principal);
  const row = await centreCredential(ctx, centre, id);
  assertOfferable(row, ctx.clock.now());
  return createAuditedOffer({ ctx, actor: principal, credential: row, channel: 'console', lifetimeMs: CONSOLE_OFFER_MS });
}

/** Whether an offer can still be used at `now`: an OpenID4VCI code until it is exchanged, an exchange until it completes. */
const usable = (offer: WalletOfferRow, now: Date) => offer.expiresAt > now && (offer.protocol === 'oid4vci' ? !offer.redeemedAt : !offer.completedAt);

/**
 * GET /wallet/offers/:secret: the credential's page as its owner reaches it from the e-mail, with the protocols
 * still open. An unknown link is a 404; one whose every code is used or expired a 410 saying which; a credential that
 * cannot go into a wallet any more a 409 (erased: the 410 of a withdrawn credential).
 */
export async function offerPageContent({ ctx, secret, language }: { ctx: AppContext; secret: string; language: Language }) {
  const offers = isCodeShaped(secret)
    ? await repository.findOffersByCodeHashes(ctx.db, (['oid4vci', 'vcapi'] as const).map((protocol) => tokenHash(protocolCode(secret, protocol))))
    : [];
  const [first] = offers;
  if (!first) throw problem(404, 'unknown-offer', 'No wallet offer has this link. Check that the whole link was copied, or ask the centre for a new one.');
  const now = ctx.clock.now();
  assertOfferable(await getStoredCredential({ ctx, id: first.credentialId }), now);
  const open = offers.filter((offer) => usable(offer, now)).map((offer) => offer.protocol);
  if (open.length === 0) {
    const used = offers.some((offer) => offer.completedAt || offer.redeemedAt);
    throw used
      ? problem(410, 'offer-used', 'This wallet offer was already used: each link adds the credential to a wallet once. Ask the centre for a new one.')
      : problem(410, 'offer-expired', 'This wallet offer has expired. Ask the centre for a new one.');
  }
  const credential = await credentialPageContent({ ctx, id: first.credentialId, language });
  return { credential, offer: { links: offerLinks(ctx.config, secret, first.expiresAt), protocols: open } };
}

/** The copies of one of the centre's credentials handed to wallets, bound to holders' DIDs (null once erased), newest first. */
export async function listWalletCopies({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  const row = await centreCredential(ctx, await managingCentre(ctx, principal), id);
  return repository.listHolderCopies(ctx.db, row.id, 50);
}
