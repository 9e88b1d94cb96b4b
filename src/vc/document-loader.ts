import { bundledContexts } from './contexts.js';

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: object;
}
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Looks up a DID document; returns undefined when the DID is not one this loader can resolve. */
export type DidResolver = (did: string) => Promise<Record<string, unknown> | undefined>;

export class DocumentNotFoundError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`${reason}: ${url}`);
    this.name = 'DocumentNotFoundError';
  }
}

/**
 * The only document loader the service uses: contexts from the bundled npm packages (and our own published
 * contexts, passed in as `ownContexts`), DIDs and their
 * verification methods from `resolveDid`. Anything else is refused, so no signature ever depends on the
 * network and no credential can make the service fetch a URL.
 */
export function createDocumentLoader({ resolveDid, ownContexts }: { resolveDid?: DidResolver; ownContexts?: ReadonlyMap<string, object> } = {}): DocumentLoader {
  return async (url) => {
    const context = bundledContexts.get(url) ?? ownContexts?.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:') && resolveDid) {
      const [did = '', fragment] = url.split('#', 2);
      const didDocument = await resolveDid(did);
      if (!didDocument) throw new DocumentNotFoundError(url, 'DID could not be resolved');
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document: didDocument };
      const methods = (didDocument.verificationMethod ?? []) as { id: string }[];
      const method = methods.find((candidate) => candidate.id === url);
      if (!method) throw new DocumentNotFoundError(url, 'verification method not in the DID document');
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': didDocument['@context'], ...method },
      };
    }
    throw new DocumentNotFoundError(url, 'document is not in the bundled set and is never fetched');
  };
}
