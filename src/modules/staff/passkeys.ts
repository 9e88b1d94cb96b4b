import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { HttpProblem, notFound, problemType } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { recordAction } from '../audit/service.js';
import * as repository from './repository.js';
import type { StaffWithCentre } from './repository.js';
import { relyingParty } from './service.js';
import { markConfirmed, startSession } from './sessions.js';

// A ceremony must finish within this time (the browser's own timeout is the same).
const CHALLENGE_TTL_MS = 5 * 60_000;

type Purpose = 'registration' | 'authentication' | 'confirmation';

const passkeyProblem = (detail: string, slug = 'passkey-not-accepted') => new HttpProblem({ status: 400, type: problemType(slug), title: 'Bad Request', detail });

function rpOf(ctx: AppContext) {
  const rp = relyingParty(ctx.config.publicBaseUrl);
  if (!rp) throw passkeyProblem('Passkeys need the service to be reached by a host name: PUBLIC_BASE_URL is an IP address, so sign in with an e-mailed link.', 'passkeys-unavailable');
  return rp;
}

async function storeChallenge(ctx: AppContext, { challenge, purpose, sessionId }: { challenge: string; purpose: Purpose; sessionId?: string }) {
  const row = await repository.insertChallenge(ctx.db, { challenge, purpose, sessionId: sessionId ?? null, expiresAt: new Date(ctx.clock.now().getTime() + CHALLENGE_TTL_MS) });
  return row.id;
}

/** The challenge of a ceremony, used up; it must be of this purpose and, when bound to a session, of this one. */
async function takeChallenge(ctx: AppContext, { challengeId, purpose, sessionId }: { challengeId: string; purpose: Purpose; sessionId?: string }) {
  const row = await repository.takeChallenge(ctx.db, { id: challengeId, now: ctx.clock.now() });
  if (!row || row.purpose !== purpose || (row.sessionId ?? undefined) !== sessionId) throw passkeyProblem('This passkey request has expired or was already used; start again.', 'passkey-challenge-expired');
  return row.challenge;
}

const transportsOf = (values: string[]) => values as AuthenticatorTransport[];

/** Options for adding a passkey to the signed-in staff member's account (their existing ones excluded). */
export async function passkeyRegistrationOptions({ ctx, staff, sessionId }: { ctx: AppContext; staff: StaffWithCentre; sessionId: string }) {
  const rp = rpOf(ctx);
  const existing = await repository.passkeysOf(ctx.db, staff.id);
  const options = await generateRegistrationOptions({
    rpName: ctx.config.platform.name,
    rpID: rp.id,
    userName: staff.email,
    userDisplayName: staff.displayName,
    userID: new TextEncoder().encode(staff.id),
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey.transports) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    timeout: CHALLENGE_TTL_MS,
  });
  return { challengeId: await storeChallenge(ctx, { challenge: options.challenge, purpose: 'registration', sessionId }), options };
}

/** Verifies the browser's answer and stores the passkey under `name`. */
export async function registerPasskey({ ctx, principal, staff, sessionId, challengeId, response, name }: { ctx: AppContext; principal: Principal; staff: StaffWithCentre; sessionId: string; challengeId: string; response: RegistrationResponseJSON; name: string }) {
  const rp = rpOf(ctx);
  const expectedChallenge = await takeChallenge(ctx, { challengeId, purpose: 'registration', sessionId });
  const verification = await verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false }).catch((error: Error) => {
    throw passkeyProblem(`The passkey could not be verified: ${error.message}`);
  });
  if (!verification.verified || !verification.registrationInfo) throw passkeyProblem('The passkey could not be verified.');
  const { credential, credentialBackedUp } = verification.registrationInfo;
  if (await repository.findPasskeyByCredentialId(ctx.db, credential.id)) throw passkeyProblem('This passkey is already registered.', 'passkey-exists');
  return ctx.db.transaction(async (tx) => {
    const passkey = await repository.insertPasskey(tx, {
      staffId: staff.id,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      signCount: credential.counter,
      transports: credential.transports ?? [],
      backedUp: credentialBackedUp,
      name,
    });
    await recordAction({ db: tx, actor: principal, action: 'staff.passkey-added', centreId: staff.centreId, target: `staff:${staff.id}`, details: { passkey: passkey.id, name } });
    return passkey;
  });
}

/** Options for signing in with any passkey of this site (discoverable credentials: no e-mail to type). */
export async function passkeySignInOptions({ ctx }: { ctx: AppContext }) {
  const rp = rpOf(ctx);
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'preferred', timeout: CHALLENGE_TTL_MS });
  return { challengeId: await storeChallenge(ctx, { challenge: options.challenge, purpose: 'authentication' }), options };
}

/** Options to confirm presence with one of the signed-in staff member's passkeys, for a sensitive action. */
export async function passkeyConfirmationOptions({ ctx, staff, sessionId }: { ctx: AppContext; staff: StaffWithCentre; sessionId: string }) {
  const rp = rpOf(ctx);
  const passkeys = await repository.passkeysOf(ctx.db, staff.id);
  if (passkeys.length === 0) throw passkeyProblem('You have no passkey: confirm by e-mail instead.', 'no-passkey');
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'preferred', timeout: CHALLENGE_TTL_MS, allowCredentials: passkeys.map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey.transports) })) });
  return { challengeId: await storeChallenge(ctx, { challenge: options.challenge, purpose: 'confirmation', sessionId }), options };
}

/** Checks an assertion against the stored passkey it names; returns the passkey's staff member. */
async function verifyAssertion(ctx: AppContext, { expectedChallenge, response }: { expectedChallenge: string; response: AuthenticationResponseJSON }) {
  const rp = rpOf(ctx);
  const passkey = await repository.findPasskeyByCredentialId(ctx.db, response.id);
  if (!passkey) throw passkeyProblem('This passkey is not registered here (it may have been removed); sign in with an e-mailed link.', 'passkey-unknown');
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.signCount, transports: transportsOf(passkey.transports) },
    requireUserVerification: false,
  }).catch((error: Error) => {
    throw passkeyProblem(`The passkey could not be verified: ${error.message}`);
  });
  if (!verification.verified) throw passkeyProblem('The passkey could not be verified.');
  await repository.recordPasskeyUse(ctx.db, passkey.id, { signCount: verification.authenticationInfo.newCounter, at: ctx.clock.now() });
  const staff = await repository.findStaff(ctx.db, passkey.staffId);
  if (!staff || staff.state !== 'active') throw passkeyProblem('This account cannot sign in.', 'passkey-unknown');
  return staff;
}

/** Signs in with a passkey: a new session. */
export async function signInWithPasskey({ ctx, challengeId, response, userAgent }: { ctx: AppContext; challengeId: string; response: AuthenticationResponseJSON; userAgent?: string }) {
  const expectedChallenge = await takeChallenge(ctx, { challengeId, purpose: 'authentication' });
  const staff = await verifyAssertion(ctx, { expectedChallenge, response });
  return startSession({ ctx, staff, method: 'passkey', userAgent });
}

/** Confirms the session for a sensitive action with one of its own staff member's passkeys. */
export async function confirmWithPasskey({ ctx, staff, sessionId, challengeId, response }: { ctx: AppContext; staff: StaffWithCentre; sessionId: string; challengeId: string; response: AuthenticationResponseJSON }) {
  const expectedChallenge = await takeChallenge(ctx, { challengeId, purpose: 'confirmation', sessionId });
  const owner = await verifyAssertion(ctx, { expectedChallenge, response });
  if (owner.id !== staff.id) throw passkeyProblem('That passkey belongs to someone else.');
  await markConfirmed({ ctx, session: { id: sessionId } });
}

export const listPasskeys = ({ ctx, staffId }: { ctx: AppContext; staffId: string }) => repository.passkeysOf(ctx.db, staffId);

/** Removes one of the staff member's own passkeys (they can still sign in by e-mail link). */
export async function removePasskey({ ctx, principal, staff, passkeyId }: { ctx: AppContext; principal: Principal; staff: StaffWithCentre; passkeyId: string }) {
  await ctx.db.transaction(async (tx) => {
    const removed = await repository.deletePasskey(tx, { id: passkeyId, staffId: staff.id });
    if (!removed) throw notFound('No such passkey on your account.');
    await recordAction({ db: tx, actor: principal, action: 'staff.passkey-removed', centreId: staff.centreId, target: `staff:${staff.id}`, details: { passkey: removed.id, name: removed.name } });
  });
}
