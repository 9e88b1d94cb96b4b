import contextProcessor, { type ActiveContext, type ProcessingOptions } from 'jsonld/lib/context.js';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { canonicalNQuads, datatypeSuffix, iriText, literalText, XSD_STRING } from './canonical-nquads.js';

/**
 * The proof fast path's canonicaliser (docs/fast-path.md): the RDFC-1.0 canonical N-Quads of a JSON-LD document,
 * the same string the stock `jsonld.canonize` (safe mode, base null) produces, for the documents the service
 * itself emits, without the generic JSON-LD processor.
 *
 * What is compiled: every context a document names is processed once by jsonld.js's own context processor
 * (root, type-scoped and property-scoped alike) and kept as a Scope with its term look-ups memoised; the
 * document is then walked once, turning each property straight into the N-Quads text of its triples by the
 * JSON-LD 1.1 expansion and RDF serialisation rules, and canonicalNQuads labels, sorts and hashes them by RDFC-1.0
 * (with rdf-canonize, which the stock path uses, where blank nodes are alike at the first degree). IRI expansion
 * is jsonld.js's own, so term semantics are never re-implemented.
 *
 * The walk handles only what those documents use: string, integer and boolean values, nested node objects,
 * arrays of them, `@id`/`@type` (through their aliases), terms with `@id`, `@vocab` or datatype coercion and
 * scoped contexts. Anything else (a term no context defines, a compact IRI, a language or direction, a list,
 * graph or map container, `@json`, a value object, a relative IRI, a nested `@context`, null, a non-integer
 * number, an xsd:double) makes it answer `undefined`, and the caller uses the stock path: correctness never rests on the
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
      return canonicalNQuads(documentToTriples(root, document));
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
  /** memoised look-ups of the context's terms (`memoised`) */
  expandedKeys: Map<string, string | null>;
  properties: Map<string, PropertyPlan | null>;
  values: Map<string, ValuePlan>;
  types: Map<string, string>;
}

function newScope(context: ActiveContext, previous: Scope | undefined, options: ProcessingOptions): Scope {
  return {
    context,
    previous,
    options,
    derived: { 'property-scoped': new Map(), 'type-scoped': new Map() },
    expandedKeys: new Map(),
    properties: new Map(),
    values: new Map(),
    types: new Map(),
  };
}

// Root scopes by the identity of each context document the loader returned, so a loader that serves another
// document under the same URL never meets a scope compiled from the first. Our documents name a handful of context
// lists; documents sent for verification may name any order or repetition of the bundled contexts, so past
// ROOT_SCOPE_LIMIT lists the scopes start afresh (ours are compiled again at their next use) instead of growing.
let rootScopes = new WeakMap<object, RootScopes>();
let rootScopeCount = 0;
const ROOT_SCOPE_LIMIT = 128;
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
  if (rootScopeCount >= ROOT_SCOPE_LIMIT) {
    rootScopes = new WeakMap();
    rootScopeCount = 0;
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
      rootScopeCount++;
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

/**
 * A look-up remembered on its scope, for the context's own terms only: they are as many as the bundled contexts
 * define, whatever keys the documents sent for verification bring (those are computed each time).
 */
function memoised<V>(scope: Scope, memo: Map<string, V>, key: string, compute: () => V): V {
  if (memo.has(key)) return memo.get(key)!;
  const value = compute();
  if (scope.context.mappings.has(key)) memo.set(key, value);
  return value;
}

function expandKey(scope: Scope, key: string): string | null {
  return memoised(scope, scope.expandedKeys, key, () => contextProcessor.expandIri(scope.context, key, { vocab: true }, scope.options));
}

/** A key of a node object that is a property: its predicate as N-Quads text, and its property-scoped context. */
interface PropertyPlan {
  predicate: string;
  local: unknown;
}

/**
 * How `key` reads as a property in `scope`: null for what the walk does not handle (no term definition, a keyword
 * other than @id and @type, a reverse property, a non-absolute IRI, a container other than @set).
 */
function propertyPlan(scope: Scope, key: string): PropertyPlan | null {
  return memoised(scope, scope.properties, key, () => {
    const property = expandKey(scope, key);
    const definition = scope.context.mappings.get(key);
    if (property === null || property.startsWith('@') || !definition || definition.reverse || !ABSOLUTE_IRI.test(property)) return null;
    const container = definition['@container'] as string[] | undefined;
    if (container && !(container.length === 1 && container[0] === '@set')) return null;
    return { predicate: iriText(property), local: contextProcessor.getContextValue(scope.context, key, '@context') };
  });
}

/** How the values of `key` read in `scope` (the property's own scope): its type coercion and literal rules. */
interface ValuePlan {
  /** a string value is an IRI, expanded against the vocabulary too (`@vocab`) or not (`@id`) */
  reference: '@id' | '@vocab' | undefined;
  /** the coerced datatype IRI, or null */
  datatype: string | null;
  /** coerced to @json, @none or another keyword (or @id/@vocab for a non-string), rdf:langString or xsd:double: left to the stock path */
  literalsUnsupported: boolean;
  /** a default language or direction applies to strings: left to the stock path */
  languageTagged: boolean;
  /** coerced to @json */
  json: boolean;
  /** datatypeSuffix of the coerced datatype (xsd:string when none) */
  stringSuffix: string;
}

function valuePlan(scope: Scope, key: string): ValuePlan {
  return memoised(scope, scope.values, key, () => {
    const coercion = contextProcessor.getContextValue(scope.context, key, '@type');
    const language = contextProcessor.getContextValue(scope.context, key, '@language');
    const direction = contextProcessor.getContextValue(scope.context, key, '@direction');
    // rdf:langString without a language is written like xsd:string but stays a different literal, and jsonld.js
    // writes any value typed xsd:double in its own double form ("1.0E0"): both the stock path's
    const literalsUnsupported =
      coercion !== null && (typeof coercion !== 'string' || coercion.startsWith('@') || coercion === RDF_LANGSTRING || coercion === XSD_DOUBLE);
    const datatype = literalsUnsupported ? null : (coercion as string | null);
    return {
      reference: coercion === '@id' || coercion === '@vocab' ? coercion : undefined,
      datatype,
      literalsUnsupported,
      languageTagged: (language !== null && language !== undefined) || (direction !== null && direction !== undefined),
      json: coercion === '@json',
      stringSuffix: datatypeSuffix(datatype ?? XSD_STRING),
    };
  });
}

const RDF_TYPE = iriText('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
const RDF_LANGSTRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';
const XSD_INTEGER_SUFFIX = datatypeSuffix('http://www.w3.org/2001/XMLSchema#integer');
const XSD_BOOLEAN_SUFFIX = datatypeSuffix('http://www.w3.org/2001/XMLSchema#boolean');
const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';
// jsonld.js's test for an absolute IRI; `_:` (a blank node identifier) is left to the stock path.
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$/;

/**
 * The document's RDF triples, as jsonld.js's toRDF would produce them, serialised for canonicalNQuads.
 *
 * jsonld.js builds a node map first: node objects with the same id merge, and a value equal to one already held
 * by the same node under the same property is dropped. "Equal" compares expanded values: the same IRI, or the same
 * JSON value with the same coerced datatype (the number 5 and the string "5" typed xsd:integer both stay, though
 * written alike), and `@type` is a property of its own (a type given again through a term meaning rdf:type stays,
 * giving the same line twice). Most documents cannot repeat anything, and the walk writes their triples as it
 * meets them; when it saw a way for a repeat to occur (`mayRepeat`), it walks again keeping those rules.
 */
function documentToTriples(root: Scope, document: Record<string, unknown>): string[] {
  const walk = new Walk(false);
  walk.node({ scope: root, element: document, activeProperty: null, isRoot: true });
  // a document saying nothing (no keys, or an id alone) is one safe mode refuses: jsonld.js would drop it
  if (walk.triples.length === 0) throw new Unsupported();
  if (!walk.mayRepeat) return walk.triples;
  // every scoped context was processed by the first walk, so this one runs straight through
  const merging = new Walk(true);
  merging.node({ scope: root, element: document, activeProperty: null, isRoot: true });
  return merging.triples;
}

const SEARCHED_LIST_LIMIT = 16;

class Walk {
  /** subject, predicate, object, … as N-Quads text */
  readonly triples: string[] = [];
  /**
   * Whether a triple may have been written twice. A blank node's triples all come from one node object, so a
   * repeat needs one node naming the same predicate twice (an array holding a value twice, two keys for one IRI,
   * a term meaning rdf:type beside the types) or two node objects with the same id.
   */
  mayRepeat = false;
  private readonly namedSubjects = new Set<string>();
  /** in a merging walk, each value held so far by subject and property (jsonld.js's node map) */
  private readonly held = new Set<string>();
  private blankNodes = 0;

  /** @param merging drop the values jsonld.js's node map drops (see documentToTriples) */
  constructor(private readonly merging: boolean) {}

  /**
   * The triples of one property of one node (`objects`, written from `source`'s values; the types have none). A
   * merging walk keeps a value unless the node holds an equal one under the same property (`property`: the
   * predicate, or "@type"); any other walk writes them all, noting a repeated object in `mayRepeat`.
   */
  private emit({ subject, property, predicate, objects, source }: { subject: string; property: string; predicate: string; objects: string[]; source?: ValueSource }) {
    if (this.merging) {
      for (const [index, object] of objects.entries()) {
        const identity = source ? valueIdentity(source.values[index], object, source.plan) : object;
        const key = `${subject} ${property} ${identity}`;
        if (this.held.has(key)) continue;
        this.held.add(key);
        this.triples.push(subject, predicate, object);
      }
      return;
    }
    // a short list is searched (no set to build), a long one counted through a set (no quadratic search)
    if (objects.length > SEARCHED_LIST_LIMIT ? new Set(objects).size < objects.length : objects.some((object, index) => objects.indexOf(object) < index)) {
      this.mayRepeat = true;
    }
    for (const object of objects) this.triples.push(subject, predicate, object);
  }

  /** A node object: its subject term, after emitting its triples. Mirrors jsonld.js `expand` for one element. */
  node({ scope, element, activeProperty, isRoot }: { scope: Scope; element: Record<string, unknown>; activeProperty: string | null; isRoot: boolean }): string {
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
    const subject = idKeys.length === 1 ? iriText(absoluteIri(active, element[idKeys[0]!], { base: true })) : `_:b${this.blankNodes++}`;
    if (idKeys.length === 1) {
      if (this.namedSubjects.has(subject)) this.mayRepeat = true;
      this.namedSubjects.add(subject);
    }
    const typeObjects = types.map((type) => memoised(typeScoped, typeScoped.types, type, () => iriText(absoluteIri(typeScoped, type, { base: true, vocab: true }))));
    this.emit({ subject, property: '@type', predicate: RDF_TYPE, objects: typeObjects });
    // a property may also mean rdf:type (a term defined as its IRI): its values would repeat the types' triples
    const predicates: string[] = types.length > 0 ? [RDF_TYPE] : [];

    for (const key of keys) {
      if (isRoot && key === '@context') continue;
      const property = expandKey(active, key);
      if (property === '@id' || property === '@type') continue;
      const plan = propertyPlan(active, key);
      if (!plan) throw new Unsupported();
      const termScope = plan.local === undefined ? active : derive(active, plan.local, 'property-scoped');
      const reading = valuePlan(termScope, key);
      // an @json term's whole value, array or object included, is one rdf:JSON literal: the stock path's
      if (reading.json) throw new Unsupported();
      if (predicates.includes(plan.predicate)) this.mayRepeat = true;
      predicates.push(plan.predicate);
      const value = element[key];
      const values = Array.isArray(value) ? value : [value];
      const objects = values.map((item) => this.value({ scope: termScope, key, plan: reading, value: item }));
      this.emit({ subject, property: plan.predicate, predicate: plan.predicate, objects, source: { values, plan: reading } });
    }
    return subject;
  }

  /** One value of property `key`, expanded with the property's own scope and its `plan` there (jsonld.js `_expandValue`). */
  private value({ scope, key, plan, value }: { scope: Scope; key: string; plan: ValuePlan; value: unknown }): string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return this.node({ scope, element: value as Record<string, unknown>, activeProperty: key, isRoot: false });
    }
    if (typeof value === 'string' && plan.reference) return iriText(absoluteIri(scope, value, { base: true, vocab: plan.reference === '@vocab' }));
    if (plan.literalsUnsupported) throw new Unsupported();
    if (typeof value === 'string') {
      if (plan.languageTagged) throw new Unsupported();
      return literalText(value, plan.stringSuffix);
    }
    if (typeof value === 'boolean') return literalText(String(value), plan.datatype === null ? XSD_BOOLEAN_SUFFIX : datatypeSuffix(plan.datatype));
    // jsonld.js writes non-integers in its own double form: the stock path's job
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e21) {
      return literalText(value.toFixed(0), plan.datatype === null ? XSD_INTEGER_SUFFIX : datatypeSuffix(plan.datatype));
    }
    throw new Unsupported();
  }
}

/** The JSON values a property's objects were written from, and how the property reads them. */
interface ValueSource {
  values: unknown[];
  plan: ValuePlan;
}

/**
 * What jsonld.js's node map compares a value by: a reference by its IRI (a blank node's label is never reused), a
 * literal by its JSON value and its coerced datatype, if any (the object's text alone would equate 5 and "5"
 * typed xsd:integer, or a string with and without an explicit xsd:string).
 */
function valueIdentity(value: unknown, object: string, plan: ValuePlan): string {
  const reference = typeof value === 'object' || (typeof value === 'string' && plan.reference !== undefined);
  return reference ? object : `${typeof value} ${plan.datatype ?? ''} ${object}`;
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
