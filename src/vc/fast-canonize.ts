import contextProcessor, { type ActiveContext, type ProcessingOptions } from 'jsonld/lib/context.js';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { _canonizeSync as canonizeDataset, type Quad, type RdfTerm } from 'rdf-canonize';

/**
 * The proof fast path's canonicaliser (docs/fast-path.md): the RDFC-1.0 canonical N-Quads of a JSON-LD document,
 * the same string the stock `jsonld.canonize` (safe mode, base null) produces, for the documents the service
 * itself emits, without the generic JSON-LD processor.
 *
 * What is compiled: every context a document names is processed once by jsonld.js's own context processor
 * (root, type-scoped and property-scoped alike) and kept as a Scope with its term look-ups memoised; the
 * document is then walked once, turning each property straight into RDF quads by the JSON-LD 1.1 expansion and
 * RDF serialisation rules, and the quads go to rdf-canonize's synchronous RDFC-1.0, which the stock path also
 * uses. IRI expansion is jsonld.js's own, so term semantics are never re-implemented.
 *
 * The walk handles only what those documents use: string, integer and boolean values, nested node objects,
 * arrays of them, `@id`/`@type` (through their aliases), terms with `@id`, `@vocab` or datatype coercion and
 * scoped contexts. Anything else (a term no context defines, a compact IRI, a language or direction, a list,
 * graph or map container, `@json`, a value object, a relative IRI, a nested `@context`, null, a non-integer
 * number) makes it answer `undefined`, and the caller uses the stock path: correctness never rests on the
 * fast path guessing right. The differential tests (test/vc/fast-path*.test.ts) hold it to the stock output.
 */
export async function fastCanonize({
  document,
  documentLoader,
}: {
  document: Record<string, unknown>;
  documentLoader: (url: string) => Promise<{ document: object }>;
}): Promise<string | undefined> {
  const root = await rootScope(document['@context'], documentLoader);
  if (!root) return undefined;
  // A scoped context met for the first time is processed (asynchronously, once) and the walk starts again.
  for (let attempt = 0; attempt < MAX_CONTEXT_ROUNDS; attempt++) {
    try {
      return canonizeDataset(documentToQuads(root, document), { algorithm: 'RDFC-1.0' });
    } catch (error) {
      if (error instanceof ContextNotYetProcessed) await error.process();
      else if (error instanceof Unsupported) return undefined;
      else throw error;
    }
  }
  return undefined;
}

// Our documents name at most a handful of scoped contexts; a document needing more rounds is not one of ours.
const MAX_CONTEXT_ROUNDS = 16;

/** Thrown by the walk for anything it does not handle: the caller falls back to the stock path. */
class Unsupported extends Error {}

/** Thrown by the walk when a scoped context has not been processed yet. */
class ContextNotYetProcessed extends Error {
  constructor(readonly process: () => Promise<void>) {
    super('scoped context not processed yet');
  }
}

type Derivation = 'property-scoped' | 'type-scoped';

/** One processed active context: jsonld.js's object, the context it reverts to, and memoised look-ups. */
interface Scope {
  context: ActiveContext;
  /** the active context before a type-scoped (non-propagated) context was applied, as jsonld.js reverts to it */
  previous: Scope | undefined;
  options: ProcessingOptions;
  derived: Record<Derivation, Map<unknown, Scope>>;
  expandedKeys: Map<string, string | null>;
}

function newScope(context: ActiveContext, previous: Scope | undefined, options: ProcessingOptions): Scope {
  return {
    context,
    previous,
    options,
    derived: { 'property-scoped': new Map(), 'type-scoped': new Map() },
    expandedKeys: new Map(),
  };
}

// Root scopes by the identity of each context document the loader returned, so a loader that serves another
// document under the same URL never meets a scope compiled from the first.
const rootScopes = new WeakMap<object, RootScopes>();
interface RootScopes {
  scope?: Scope;
  next: WeakMap<object, RootScopes>;
}

async function rootScope(contexts: unknown, documentLoader: (url: string) => Promise<{ document: object }>) {
  if (!Array.isArray(contexts) || contexts.length === 0 || !contexts.every((url) => typeof url === 'string')) return undefined;
  let documents: object[];
  try {
    documents = await Promise.all(contexts.map(async (url: string) => (await documentLoader(url)).document));
  } catch {
    return undefined;
  }
  let node: RootScopes | undefined;
  let level = rootScopes;
  for (const document of documents) {
    node = level.get(document);
    if (!node) level.set(document, (node = { next: new WeakMap() }));
    level = node.next;
  }
  if (!node!.scope) {
    const options: ProcessingOptions = {
      documentLoader,
      contextResolver: new ContextResolver({ sharedCache: new Map() }),
      base: null,
      safe: true,
    };
    try {
      const initial = contextProcessor.getInitialContext(options);
      node!.scope = newScope(await contextProcessor.process({ activeCtx: initial, localCtx: contexts, options }), undefined, options);
    } catch {
      return undefined;
    }
  }
  return node!.scope;
}

/**
 * The scope `scope` becomes with `local` applied, as jsonld.js's expansion applies it: property-scoped contexts
 * propagate and may override protected terms; type-scoped ones do not propagate (nested nodes revert).
 */
function derive(scope: Scope, local: unknown, derivation: Derivation): Scope {
  const known = scope.derived[derivation].get(local);
  if (known) return known;
  throw new ContextNotYetProcessed(async () => {
    const context = await contextProcessor.process({
      activeCtx: scope.context,
      localCtx: local,
      options: scope.options,
      ...(derivation === 'property-scoped' ? { propagate: true, overrideProtected: true } : { propagate: false }),
    });
    // jsonld.js clones contexts, so "reverts to" is tracked here: a context that already had a previous one
    // keeps it, a newly non-propagated one reverts to `scope`.
    const previous = context.previousContext ? (scope.context.previousContext ? scope.previous : scope) : undefined;
    scope.derived[derivation].set(local, newScope(context, previous, scope.options));
  });
}

function expandKey(scope: Scope, key: string): string | null {
  let expanded = scope.expandedKeys.get(key);
  if (expanded === undefined) {
    expanded = contextProcessor.expandIri(scope.context, key, { vocab: true }, scope.options);
    scope.expandedKeys.set(key, expanded);
  }
  return expanded;
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';
const XSD_BOOLEAN = 'http://www.w3.org/2001/XMLSchema#boolean';
const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';
const DEFAULT_GRAPH: RdfTerm = { termType: 'DefaultGraph', value: '' };
// jsonld.js's test for an absolute IRI; `_:` (a blank node identifier) is left to the stock path.
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$/;

/** The document's RDF dataset, as jsonld.js's toRDF would produce it (a set: repeated quads appear once). */
function documentToQuads(root: Scope, document: Record<string, unknown>): Quad[] {
  const walk = new Walk();
  walk.node({ scope: root, element: document, activeProperty: null, isRoot: true });
  return walk.quads;
}

class Walk {
  readonly quads: Quad[] = [];
  private readonly seen = new Set<string>();
  private blankNodes = 0;

  private add(subject: RdfTerm, predicate: string, object: RdfTerm) {
    // Blank node labels start with "_:", IRIs never do; a literal's datatype keeps it apart from an IRI.
    const key = `${subject.value}\n${predicate}\n${object.value}\n${object.datatype?.value ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.quads.push({ subject, predicate: { termType: 'NamedNode', value: predicate }, object, graph: DEFAULT_GRAPH });
  }

  /** A node object: its subject term, after emitting its quads. Mirrors jsonld.js `expand` for one element. */
  node({ scope, element, activeProperty, isRoot }: { scope: Scope; element: Record<string, unknown>; activeProperty: string | null; isRoot: boolean }): RdfTerm {
    const keys = Object.keys(element);
    if (keys.length === 0) throw new Unsupported();
    let active = scope;
    if (!isRoot) {
      if ('@context' in element) throw new Unsupported();
      const propertyScoped = activeProperty === null ? undefined : contextProcessor.getContextValue(scope.context, activeProperty, '@context');
      // A lone reference ({"id": …}) keeps the type-scoped context; any other nested node reverts it.
      const isReference = keys.length === 1 && expandKey(scope, keys[0]!) === '@id';
      if (!isReference) active = scope.previous ?? scope;
      if (propertyScoped !== undefined) active = derive(active, propertyScoped, 'property-scoped');
    }
    const typeScoped = active;
    const typeKeys = keys.filter((key) => expandKey(typeScoped, key) === '@type');
    if (typeKeys.length > 1) throw new Unsupported();
    const types = typeKeys.length === 1 ? stringList(element[typeKeys[0]!]) : [];
    for (const type of types.length > 1 ? [...types].sort() : types) {
      const typeContext = contextProcessor.getContextValue(typeScoped.context, type, '@context');
      if (typeContext !== undefined) active = derive(active, typeContext, 'type-scoped');
    }

    const idKeys = keys.filter((key) => expandKey(active, key) === '@id');
    if (idKeys.length > 1) throw new Unsupported();
    const subject: RdfTerm =
      idKeys.length === 1
        ? { termType: 'NamedNode', value: absoluteIri(active, element[idKeys[0]!], { base: true }) }
        : { termType: 'BlankNode', value: `_:b${this.blankNodes++}` };
    for (const type of types) {
      this.add(subject, RDF_TYPE, { termType: 'NamedNode', value: absoluteIri(typeScoped, type, { base: true, vocab: true }) });
    }

    for (const key of keys) {
      if (isRoot && key === '@context') continue;
      const property = expandKey(active, key);
      if (property === '@id' || property === '@type') continue;
      const definition = active.context.mappings.get(key);
      if (property === null || property.startsWith('@') || !definition || definition.reverse || !ABSOLUTE_IRI.test(property)) {
        throw new Unsupported();
      }
      const container = definition['@container'] as string[] | undefined;
      if (container && !(container.length === 1 && container[0] === '@set')) throw new Unsupported();
      const local = contextProcessor.getContextValue(active.context, key, '@context');
      const termScope = local === undefined ? active : derive(active, local, 'property-scoped');
      const values = element[key];
      for (const value of Array.isArray(values) ? values : [values]) {
        this.add(subject, property, this.value({ scope: termScope, key, value }));
      }
    }
    return subject;
  }

  /** One value of property `key`, expanded with the property's own scope (jsonld.js `_expandValue`). */
  private value({ scope, key, value }: { scope: Scope; key: string; value: unknown }): RdfTerm {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return this.node({ scope, element: value as Record<string, unknown>, activeProperty: key, isRoot: false });
    }
    const coercion = contextProcessor.getContextValue(scope.context, key, '@type');
    if (typeof value === 'string' && coercion === '@id') return { termType: 'NamedNode', value: absoluteIri(scope, value, { base: true }) };
    if (typeof value === 'string' && coercion === '@vocab') return { termType: 'NamedNode', value: absoluteIri(scope, value, { base: true, vocab: true }) };
    // '@json', '@none' and anything but a datatype IRI are left to the stock path
    if (coercion !== null && (typeof coercion !== 'string' || coercion.startsWith('@'))) throw new Unsupported();
    const datatype = coercion as string | null;
    if (typeof value === 'string') {
      const language = contextProcessor.getContextValue(scope.context, key, '@language');
      const direction = contextProcessor.getContextValue(scope.context, key, '@direction');
      if ((language !== null && language !== undefined) || (direction !== null && direction !== undefined)) throw new Unsupported();
      return literal(value, datatype ?? XSD_STRING);
    }
    if (typeof value === 'boolean') return literal(String(value), datatype ?? XSD_BOOLEAN);
    // jsonld.js writes non-integers (and anything typed xsd:double) in its own double form: the stock path's job
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e21 && datatype !== XSD_DOUBLE) {
      return literal(value.toFixed(0), datatype ?? XSD_INTEGER);
    }
    throw new Unsupported();
  }
}

function literal(value: string, datatype: string): RdfTerm {
  return { termType: 'Literal', value, datatype: { termType: 'NamedNode', value: datatype } };
}

function stringList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) throw new Unsupported();
  return list as string[];
}

function absoluteIri(scope: Scope, value: unknown, relativeTo: { base?: boolean; vocab?: boolean }): string {
  if (typeof value !== 'string') throw new Unsupported();
  const iri = contextProcessor.expandIri(scope.context, value, relativeTo, scope.options);
  if (typeof iri !== 'string' || !ABSOLUTE_IRI.test(iri)) throw new Unsupported();
  return iri;
}
