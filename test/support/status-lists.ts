import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { createCredential, createList } from '@digitalbazaar/vc-bitstring-status-list';
import { eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { credentials, statusLists } from '../../src/db/schema/index.js';
import { createGuardedFetcher, type GuardedFetcher } from '../../src/vc/fetcher.js';
import { withProofArray } from '../../src/vc/sign.js';
import type { LocalHttpsServer } from './https-server.js';
import { outsideContextLoader } from './outside-contexts.js';
import type { Test } from 'tap';
import { build, demoToken, firstAchievementId, issue } from '../helper.js';
import { stockVerifier } from './stock-verifier.js';

// Shared by the status-list tests: an independent reading of `encodedList` (node:zlib, the bit order of the
// Bitstring Status List spec), outside issuers that sign with the stock libraries, and the verify call.

export type Json = Record<string, unknown>;
export type Check = { check: string; status: string; code: string; message: string; details?: Json };
export type Report = { verified: boolean; verdict: string; checks: Check[] };

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2';

/** The bitstring of a multibase (u = base64url, no padding) GZIP `encodedList`, read without the status-list library. */
export function bitsOf(encodedList: string): Uint8Array {
  if (!encodedList.startsWith('u')) throw new Error(`encodedList is not multibase base64url: ${encodedList.slice(0, 10)}`);
  return new Uint8Array(gunzipSync(Buffer.from(encodedList.slice(1), 'base64url')));
}

/** The spec's bit order: index 0 is the left-most (most significant) bit of the first byte. */
export const bitAt = (bits: Uint8Array, index: number) => ((bits[index >> 3]! >> (7 - (index & 7))) & 1) === 1;

export function setIndexes(bits: Uint8Array): number[] {
  const found: number[] = [];
  bits.forEach((byte, position) => {
    if (byte === 0) return;
    for (let bit = 0; bit < 8; bit++) if ((byte >> (7 - bit)) & 1) found.push(position * 8 + bit);
  });
  return found;
}

/** `encodedList` with one bit flipped, encoded the way the spec says (a well-formed list, just not the signed one). */
export function flipBit(encodedList: string, index: number): string {
  const bits = bitsOf(encodedList);
  bits[index >> 3]! ^= 1 << (7 - (index & 7));
  return `u${gzipSync(bits).toString('base64url')}`;
}

/** A stored list document with one bit of its encodedList flipped and nothing re-signed. */
export function withFlippedBit(document: string, index: number): string {
  const list = JSON.parse(document) as Json;
  const subject = list.credentialSubject as Json;
  return JSON.stringify({ ...list, credentialSubject: { ...subject, encodedList: flipBit(subject.encodedList as string, index) } });
}

export const listPath = (credential: Json) => new URL(((credential.credentialStatus as Json).statusListCredential as string)).pathname;
export const listIdOf = (credential: Json) => listPath(credential).split('/').pop()!;
export const indexOf = (credential: Json) => Number((credential.credentialStatus as Json).statusListIndex);

export async function listRow(app: App, id: string) {
  const [row] = await app.ctx.db.select().from(statusLists).where(eq(statusLists.id, id));
  if (!row) throw new Error(`no status list ${id}`);
  return row;
}

export async function credentialRow(app: App, id: string) {
  const [row] = await app.ctx.db.select().from(credentials).where(eq(credentials.id, id));
  if (!row) throw new Error(`no credential ${id}`);
  return row;
}

/**
 * Writes a list's stored document behind the service's back, as someone with database access would, and makes
 * the running process read it now rather than after its few-seconds document cache expires.
 */
export async function storeDocument(app: App, listId: string, document: string) {
  await app.ctx.db.update(statusLists).set({ document }).where(eq(statusLists.id, listId));
  app.ctx.statusLists.changed();
}

export async function verify(app: App, credential: Json): Promise<Report> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } });
  if (response.statusCode !== 200) throw new Error(`verify: ${response.statusCode} ${response.body}`);
  return response.json() as Report;
}

export const checkOf = (report: Report, name: string) => report.checks.find((check) => check.check === name);

export async function revoke(app: App, token: string, id: string, reason = 'issued in error') {
  const response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/revoke`, headers: { authorization: `Bearer ${token}` }, payload: { reason } });
  if (response.statusCode !== 200) throw new Error(`revoke: ${response.statusCode} ${response.body}`);
  return response.json();
}

// ---------------------------------------------------------------------------------------------------
// Other issuers (did:key, or did:web on a local HTTPS server), signing with the stock libraries
// ---------------------------------------------------------------------------------------------------

export interface OutsideIssuer {
  did: string;
  key: Awaited<ReturnType<typeof Ed25519Multikey.generate>>;
  /** the verification method entry for a DID document */
  method: { id: string; type: 'Multikey'; controller: string; publicKeyMultibase: string };
}

/** A did:key issuer: its DID is its public key, resolved offline. */
export async function didKeyIssuer(): Promise<OutsideIssuer> {
  const generated = await Ed25519Multikey.generate();
  const exported = await generated.export({ publicKey: true, secretKey: true, includeContext: false });
  const multibase = exported.publicKeyMultibase as string;
  const did = `did:key:${multibase}`;
  const id = `${did}#${multibase}`;
  const key = await Ed25519Multikey.from({ ...exported, id, controller: did });
  return { did, key, method: { id, type: 'Multikey', controller: did, publicKeyMultibase: multibase } };
}

/** A did:web issuer whose DID document the test serves from the local HTTPS server. */
export async function didWebIssuer(did: string): Promise<OutsideIssuer> {
  const key = await Ed25519Multikey.generate({ controller: did });
  const { publicKeyMultibase } = await key.export({ publicKey: true, includeContext: false });
  const id = `${did}#${publicKeyMultibase as string}`;
  const named = await Ed25519Multikey.from({ ...(await key.export({ publicKey: true, secretKey: true, includeContext: false })), id, controller: did });
  return { did, key: named, method: { id, type: 'Multikey', controller: did, publicKeyMultibase: publicKeyMultibase as string } };
}

export function didDocument(issuer: OutsideIssuer): Json {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: issuer.did,
    verificationMethod: [issuer.method],
    assertionMethod: [issuer.method.id],
  };
}

/**
 * Signs any credential with the stock library as `signer`, with `proof` as the array an OB 3.0 issuer emits (the
 * OB 3.0 JSON Schema requires it; the library writes an object, and `proof` is not signed over).
 */
export async function stockSign(credential: Json, signer: OutsideIssuer): Promise<Json> {
  const suite = new DataIntegrityProof({ signer: signer.key.signer(), cryptosuite: stockCryptosuite });
  return withProofArray(await vc.issue({ credential: structuredClone(credential), suite, documentLoader: outsideContextLoader }));
}

/** A credential in another issuer's name, built from one of ours, with the given status entry. */
export async function outsideCredential(template: Json, issuer: OutsideIssuer, credentialStatus: unknown): Promise<Json> {
  const { proof: _proof, credentialStatus: _status, ...unsigned } = structuredClone(template);
  return stockSign(
    { ...unsigned, id: `urn:uuid:${randomUUID()}`, issuer: { id: issuer.did, type: ['Profile'], name: 'Independent Academy' }, credentialStatus },
    issuer,
  );
}

export const entry = (listUrl: string, index: number | string, extra: Json = {}) => ({
  id: `${listUrl}#${index}`,
  type: 'BitstringStatusListEntry',
  statusPurpose: 'revocation',
  statusListIndex: String(index),
  statusListCredential: listUrl,
  ...extra,
});

const HOUR = 3_600_000;
const xsd = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A BitstringStatusListCredential built and signed with the stock libraries, by `signer` in the name of
 * `issuer` (the same by default), valid from an hour ago for a day unless told otherwise.
 */
export async function outsideList({
  url,
  issuer,
  signer = issuer,
  set = [],
  length = 131_072,
  validFrom = new Date(Date.now() - HOUR),
  validUntil = new Date(Date.now() + 24 * HOUR),
  statusPurpose = 'revocation',
}: {
  url: string;
  issuer: OutsideIssuer;
  signer?: OutsideIssuer;
  set?: number[];
  length?: number;
  validFrom?: Date;
  validUntil?: Date;
  statusPurpose?: string;
}): Promise<Json> {
  const list = await createList({ length });
  for (const index of set) list.setStatus(index, true);
  const unsigned = await createCredential({ id: url, list, statusPurpose });
  return stockSign({ ...unsigned, issuer: issuer.did, validFrom: xsd(validFrom), validUntil: xsd(validUntil) }, signer);
}

/** The app's fetcher in these tests: the address guard on, 127.0.0.1 (the local server) exempt, its certificate trusted. */
export function localFetcher(server: LocalHttpsServer): GuardedFetcher & { calls: string[] } {
  const calls: string[] = [];
  const fetcher = createGuardedFetcher({
    enabled: true,
    timeoutMs: 2_000,
    maxBytes: 262_144,
    allowPrivateAddresses: false,
    trustedAddresses: ['127.0.0.1'],
    ca: server.ca,
    resolveHost: async (hostname) => {
      if (hostname === 'issuer.test' || hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    },
  });
  return { calls, fetchJson: (url) => (calls.push(url), fetcher.fetchJson(url)) };
}

/** Issues one credential through the API and returns its uuid and signed document (throws on anything but 201). */
export async function issuedCredential(app: App, token: string, achievementId: string, name: string): Promise<{ id: string; credential: Record<string, unknown> }> {
  const response = await issue(app, token, { achievementId, recipient: { name } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return { id: response.json().id as string, credential: response.json().verifiableCredential as Record<string, unknown> };
}

/**
 * The set-up of the status-list test files: the app with the demo centre, its token and first course, the stock
 * verifier reading our documents as an outsider, and a one-argument issuer of credentials.
 */
export async function statusListTestApp(t: Test) {
  const testApp = await build(t);
  const { app } = testApp;
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(app);
  const issued = (name: string) => issuedCredential(app, token, achievementId, name);
  return { testApp, app, token, achievementId, outside: stockVerifier(app), issued };
}
