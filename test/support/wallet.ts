import { createHash, randomBytes } from 'node:crypto';
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci';
import { and, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { App } from '../../src/app.js';
import { authorisations } from '../../src/db/schema/index.js';
import { revokeAuthorisation } from '../../src/modules/authorisations/service.js';
import { setCentreStatus } from '../../src/modules/centres/service.js';
import { generateEd25519KeyPair } from '../../src/vc/keys.js';
import type { Test } from 'tap';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue, type TestApp } from '../helper.js';
import { testClock } from './clock.js';
import { stockVerifier } from './stock-verifier.js';

// The wallet side of the wallet tests: a holder's did:key and an OpenID4VCI 1.0 client written by others
// (@openid4vc/openid4vci) whose every request goes to the app under test through app.inject, as it would over HTTP.

// The test app's origin is http://localhost:3000; the client accepts only https URLs unless told otherwise.
setGlobalConfig({ allowInsecureUrls: true });

type ClientCallbacks = ConstructorParameters<typeof Openid4vciClient>[0]['callbacks'];

/** A wallet's Ed25519 key as a did:key: the DID, the DID URL of its key (`kid`) and the private key. */
export async function holderKey() {
  const pair = await generateEd25519KeyPair();
  const did = `did:key:${pair.publicKeyMultibase}`;
  return { did, kid: `${did}#${pair.publicKeyMultibase}`, privateKey: pair.privateKey, publicJwk: pair.publicKey.export({ format: 'jwk' }) };
}
export type HolderKey = Awaited<ReturnType<typeof holderKey>>;

/** The OpenID4VCI offer an `openid-credential-offer://?credential_offer=…` link carries, and its pre-authorised code. */
export function credentialOfferOf(link: string) {
  const offer = JSON.parse(new URL(link.replace('openid-credential-offer://', 'https://wallet.invalid/')).searchParams.get('credential_offer')!);
  return { offer, code: offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'] as string };
}

/** `fetch` that answers from the app: only its own origin is reachable, as a wallet's requests to the issuer are. */
export function injectingFetch(app: App): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.origin !== BASE_URL) throw new Error(`the wallet tried to reach ${url.href}, outside the service`);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = init?.body;
    const payload = body === undefined || body === null ? undefined : body instanceof URLSearchParams ? body.toString() : String(body);
    const answer = await app.inject({ method: (init?.method ?? 'GET') as 'GET', url: `${url.pathname}${url.search}`, headers, ...(payload === undefined ? {} : { payload }) });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) responseHeaders.set(name, String(value));
    return new Response(answer.rawPayload.length > 0 ? new Uint8Array(answer.rawPayload) : null, { status: answer.statusCode, headers: responseHeaders });
  };
}

/**
 * The client as a wallet runs it: its JWTs signed with the holder's key (jose), a client_id sent as public wallets do
 * (which the pre-authorised grant ignores), SHA-256 and randomness from node:crypto.
 */
export function walletClient(app: App, holder: HolderKey) {
  const callbacks: ClientCallbacks = {
    fetch: injectingFetch(app),
    hash: (data, algorithm) => createHash(algorithm.replace('-', '')).update(data).digest(),
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: ({ body }) => {
      body.client_id = 'iioe-test-wallet';
    },
    signJwt: async (_signer, { header, payload }) => ({
      jwt: await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(holder.privateKey),
      signerJwk: holder.publicJwk as never,
    }),
  };
  return new Openid4vciClient({ callbacks });
}

/**
 * The app of a wallet test: no job workers (the tests make offers themselves), a clock they move, a token that
 * issues, reads and manages the demo centre's credentials, a way to issue one, and the stock verifier.
 */
export async function walletTestApp(t: Test) {
  const clock = testClock();
  const testApp = await build(t, { JOBS_IN_PROCESS: 'false' }, { clock });
  const token = await demoToken(testApp, 'credentials:issue credentials:read credentials:manage');
  const achievementId = await firstAchievementId(testApp.app);
  /** Issues a credential through the API: its id and signed document. */
  const issued = async (name: string, recipient: Record<string, unknown> = {}): Promise<{ id: string; credential: Record<string, any> }> => {
    const response = await issue(testApp.app, token, { achievementId, recipient: { name, ...recipient } });
    if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
    return { id: response.json().id, credential: response.json().verifiableCredential };
  };
  return { ...testApp, clock, token, issued, stock: stockVerifier(testApp.app) };
}

/**
 * A credential of a centre of its own (what a test does to that centre touches no other test), and a way to take
 * away the centre's right to sign now: suspend the centre, or revoke its authorisation for the course.
 */
export async function ownCentreCredential(testApp: TestApp, { slug, name, did }: { slug: string; name: string; did?: string }) {
  const { app } = testApp;
  const { centre, token } = await createCentreWithClient(testApp, { slug });
  const achievementId = await firstAchievementId(app);
  const response = await issue(app, token, { achievementId, recipient: { name, ...(did ? { did } : {}) } });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  const actor = { kind: 'cli', clientUuid: null, staffId: null } as const;
  const stopSigning = async (how: 'suspended' | 'unauthorised') => {
    if (how === 'suspended') {
      await setCentreStatus({ ctx: app.ctx, actor, slug, status: 'suspended', reason: 'under review' });
      return;
    }
    const [authorisation] = await app.ctx.db.select().from(authorisations).where(and(eq(authorisations.centreId, centre.id), eq(authorisations.achievementId, achievementId)));
    await revokeAuthorisation({ ctx: app.ctx, actor, id: authorisation!.id, reason: 'course withdrawn' });
  };
  return { centre, id: response.json().id as string, credential: response.json().verifiableCredential as Record<string, any>, stopSigning };
}
