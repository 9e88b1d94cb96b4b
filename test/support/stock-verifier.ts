import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import type { App } from '../../src/app.js';
import { BASE_URL } from '../helper.js';
import { outsideContexts } from './outside-contexts.js';

type Json = Record<string, unknown>;

/**
 * The INDEPENDENT verifier: the stock @digitalbazaar libraries with a document loader written here (not the
 * service's), reading contexts from npm and everything else over the service's public HTTP interface as any
 * outside verifier would: did:web documents per the did:web spec, status lists by their URL.
 */
export function stockVerifier(app: App) {
  /** the paths the loader fetched, to assert what was resolved where */
  const fetched: string[] = [];

  async function get(path: string): Promise<Json> {
    fetched.push(path);
    const response = await app.inject({ method: 'GET', url: path });
    if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}`);
    return response.json() as Json;
  }

  /** did:web per its spec: `did:web:host%3Aport:a:b` -> `https://host:port/a/b/did.json`. */
  async function resolveDidWeb(did: string): Promise<Json> {
    const [scheme, method, host, ...path] = did.split(':');
    if (scheme !== 'did' || method !== 'web' || decodeURIComponent(host ?? '') !== new URL(BASE_URL).host) throw new Error(`cannot resolve ${did}`);
    const document = await get(path.length > 0 ? `/${path.map(decodeURIComponent).join('/')}/did.json` : '/.well-known/did.json');
    if (document.id !== did) throw new Error(`the DID document describes ${String(document.id)}, not ${did}`);
    return document;
  }

  async function documentLoader(url: string) {
    const context = outsideContexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: structuredClone(context) };
    if (url.startsWith('did:web:')) {
      const [did = '', fragment] = url.split('#');
      const didDocument = await resolveDidWeb(did);
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document: didDocument };
      const method = (didDocument.verificationMethod as Json[] | undefined)?.find((candidate) => candidate.id === url);
      if (!method) throw new Error(`${url} is not in the DID document`);
      return { contextUrl: null, documentUrl: url, document: { '@context': didDocument['@context'], ...method } };
    }
    if (url.startsWith(`${BASE_URL}/status/`)) return { contextUrl: null, documentUrl: url, document: await get(new URL(url).pathname) };
    // the service's own published contexts (the trust registry's), read from where it publishes them
    if (url.startsWith(`${BASE_URL}/contexts/`)) return { contextUrl: null, documentUrl: url, document: await get(new URL(url).pathname) };
    throw new Error(`the test loader refuses ${url}`);
  }

  const suite = () => new DataIntegrityProof({ cryptosuite });

  /** The stock status check on the list as served (its `verified` means "could be checked"; the bit is in results). */
  const stockCheckStatus = (credential: object) =>
    checkStatus({ credential, documentLoader, suite: suite(), verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });

  return {
    fetched,
    documentLoader,
    checkStatus: stockCheckStatus,
    /** stock verifyCredential, with the stock Bitstring Status List check */
    verify: (credential: object) =>
      vc.verifyCredential({ credential, suite: suite(), documentLoader, checkStatus: ({ credential: checked }: { credential?: object }) => stockCheckStatus(checked ?? credential) }),
  };
}
