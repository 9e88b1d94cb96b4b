import { problem } from '../../lib/problem.js';
import { asRecord } from '../../lib/json.js';
import type { AppContext } from '../../plugins/context.js';
import { VC_V2_CONTEXT } from '../../vc/contexts.js';
import { resolveDidKey } from '../../vc/did-key.js';
import { verifyPresentationProof } from '../../vc/presentation.js';
import { tokenHash } from '../staff/sessions.js';
import { HandOutRefused, handOut } from './hand-out.js';
import * as repository from './repository.js';
import { isCodeShaped, WALLET_PATHS } from './service.js';

// The suites a holder may authenticate with: what our presentation check verifies (the DCC Learner Credential
// Wallet signs with Ed25519Signature2020).
const ACCEPTED_CRYPTOSUITES = ['Ed25519Signature2020', 'eddsa-rdfc-2022', 'eddsa-jcs-2022'];

/** The exchange of a code: open (not yet used, not expired) or the problem that says why not. */
async function openExchange(ctx: AppContext, code: string) {
  const offer = isCodeShaped(code) ? await repository.findOfferByCodeHash(ctx.db, tokenHash(code)) : undefined;
  if (!offer || offer.protocol !== 'vcapi' || !offer.challenge) throw problem(404, 'unknown-offer', 'No exchange has this URL. Open the wallet link from the e-mail again, or ask the centre for a new one.');
  if (offer.completedAt) throw problem(410, 'offer-used', 'This exchange already handed out its credential: each wallet link works once. Ask the centre for a new one.');
  if (offer.expiresAt <= ctx.clock.now()) throw problem(410, 'offer-expired', 'This exchange has expired. Ask the centre for a new wallet link.');
  return { ...offer, challenge: offer.challenge };
}

/** The holder's DID authentication may name a did:key only (resolved offline): the binding we offer, and no fetch. */
const resolveDidKeyOnly = async (did: string) => (did.startsWith('did:key:') ? resolveDidKey(did) : undefined);

/**
 * A wallet's message to an exchange (W3C VCALM exchanges, as the DCC Learner Credential Wallet speaks them):
 * `{}` starts it and is answered with a DID authentication request (the offer's challenge, our domain); the
 * wallet's `{verifiablePresentation}` (or, in the older "credential request" flow, the bare presentation, signed
 * without a domain) is checked and answered with the credential bound to the authenticated DID. The answer is a
 * presentation that also holds itself under `verifiablePresentation`, so that both flows of the wallet find the
 * credential where they look. A failed authentication leaves the exchange open for another try.
 */
export async function participateInExchange({ ctx, code, message, requestId }: { ctx: AppContext; code: string; message: unknown; requestId: string }) {
  const offer = await openExchange(ctx, code);
  const base = ctx.config.publicBaseUrl;
  const domain = new URL(base).host;
  const body = asRecord(message);
  const bare = [body.type].flat().includes('VerifiablePresentation');
  const presentation = bare ? body : body.verifiablePresentation;

  if (presentation === undefined) {
    // no body (null once parsed) and {} both start the exchange
    if (Object.keys(body).length > 0 || (message !== undefined && message !== null && (typeof message !== 'object' || Array.isArray(message)))) {
      throw problem(400, 'invalid-exchange-message', 'Send {} to start the exchange, then {"verifiablePresentation": <your DID authentication>}.');
    }
    return {
      verifiablePresentationRequest: {
        query: { type: 'DIDAuthentication', acceptedMethods: [{ method: 'key' }], acceptedCryptosuites: ACCEPTED_CRYPTOSUITES.map((cryptosuite) => ({ cryptosuite })) },
        challenge: offer.challenge,
        domain,
        interact: { service: [{ type: 'VerifiableCredentialApiExchangeService', serviceEndpoint: `${base}${WALLET_PATHS.exchanges}/${code}` }] },
      },
    };
  }

  if (!presentation || typeof presentation !== 'object' || Array.isArray(presentation)) throw problem(400, 'invalid-exchange-message', 'verifiablePresentation must be a presentation (a JSON object).');
  const authentication = await verifyPresentationProof({
    presentation: presentation as Record<string, unknown>,
    challenge: offer.challenge,
    // the older flow signs with the challenge only
    domain: bare ? undefined : domain,
    resolveDid: resolveDidKeyOnly,
  });
  const { outcome, holder } = authentication;
  if (outcome.outcome !== 'valid' || !holder?.startsWith('did:key:')) {
    const reason = outcome.outcome === 'valid' ? 'the holder must be a did:key' : outcome.outcome === 'missing' ? 'the presentation has no proof' : outcome.reason;
    throw problem(400, 'did-authentication-failed', `The DID authentication was not accepted: ${reason}. Sign a presentation with your did:key, proofPurpose authentication, challenge ${offer.challenge}${bare ? '' : ` and domain ${domain}`}.`, { reason });
  }
  try {
    const credential = await handOut({ ctx, offer, holderDid: holder, requestId });
    const answer = { '@context': [VC_V2_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: [credential] };
    return { ...answer, verifiablePresentation: answer };
  } catch (error) {
    if (!(error instanceof HandOutRefused)) throw error;
    if (error.reason === 'already-used') throw problem(410, 'offer-used', error.message);
    throw problem(409, error.reason === 'not-offerable' ? 'credential-not-offerable' : 'copy-refused', error.message);
  }
}
