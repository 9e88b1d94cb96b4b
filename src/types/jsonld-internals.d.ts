// The parts of jsonld.js and rdf-canonize the proof fast path calls (src/vc/fast-canonize.ts): the context
// processor and IRI expansion of jsonld.js itself, so term semantics are never re-implemented, and the
// synchronous RDFC-1.0 canonicaliser that the stock asynchronous one mirrors.

declare module 'jsonld/lib/context.js' {
  /** A processed JSON-LD active context (jsonld.js's own object; read, never changed). */
  export interface ActiveContext {
    mappings: Map<string, Record<string, unknown>>;
    previousContext?: ActiveContext;
    '@language'?: unknown;
    '@direction'?: unknown;
  }
  export interface ProcessingOptions {
    documentLoader: (url: string) => Promise<unknown>;
    contextResolver: unknown;
    base: null;
    safe: boolean;
  }
  const context: {
    getInitialContext(options: object): ActiveContext;
    process(input: {
      activeCtx: ActiveContext;
      localCtx: unknown;
      options: ProcessingOptions;
      propagate?: boolean;
      overrideProtected?: boolean;
    }): Promise<ActiveContext>;
    expandIri(
      activeCtx: ActiveContext,
      value: string,
      relativeTo: { base?: boolean; vocab?: boolean },
      options: ProcessingOptions,
    ): string | null;
    getContextValue(ctx: ActiveContext, key: string, type: string): unknown;
  };
  export default context;
}

declare module 'jsonld/lib/ContextResolver.js' {
  export default class ContextResolver {
    constructor(options: { sharedCache: Map<string, unknown> });
  }
}

declare module 'rdf-canonize' {
  export interface RdfTerm {
    termType: 'NamedNode' | 'BlankNode' | 'Literal' | 'DefaultGraph';
    value: string;
    datatype?: { termType: 'NamedNode'; value: string };
    language?: string;
  }
  export interface Quad {
    subject: RdfTerm;
    predicate: RdfTerm;
    object: RdfTerm;
    graph: RdfTerm;
  }
  export function _canonizeSync(dataset: Quad[], options: { algorithm: 'RDFC-1.0' }): string;
  export const NQuads: { parse(input: string): Quad[] };
}
