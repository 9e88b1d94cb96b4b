import fc from 'fast-check';
import { EXAMPLES_V2_CONTEXT, OB_V3_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT } from '../../src/vc/contexts.js';
import { text } from './fast-path-shapes.js';

// Mutations of signed credentials for the proof fast path's verification differential (issue 14): a plan drawn by
// fast-check independently of the document (what to do, where, with what), applied to one signed document. Some
// mutations leave the signed RDF dataset as it was (reordered keys and sets, a value as a one-element array, the
// proof as an object, a proof by another listed key), so verifiers must accept them; the others change it.

type Json = Record<string, unknown>;
type Path = (string | number)[];

export const MUTATION_KINDS = [
  'none',
  'string',
  'remove',
  'add-property',
  'retype',
  'wrap',
  'reorder-array',
  'duplicate-element',
  'reorder-keys',
  'context',
  'proof-created',
  'proof-verification-method',
  'proof-purpose',
  'proof-cryptosuite',
  'proof-type',
  'proof-value',
  'proof-extra-property',
  'proof-shape',
  'proof-by-other-key',
  'proof-of-other-document',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** What to do (kind), where (`at`, an index into the document's candidate paths), which variant (`pick`), with what (`value`). */
export interface MutationPlan {
  kind: MutationKind;
  at: number;
  pick: number;
  value: string;
}
export const mutationPlan: fc.Arbitrary<MutationPlan> = fc.record({ kind: fc.constantFrom(...MUTATION_KINDS), at: fc.nat(), pick: fc.nat(), value: text });

/** Proofs of the same signer made for the mutations that swap a proof: another listed key's, and one of another document. */
export interface OtherProofs {
  byOtherKey: Json;
  ofOtherDocument: Json;
}

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  return [];
}

const parentOf = (document: Json, path: Path) => path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], document) as Record<string | number, unknown>;
const valueAt = (document: Json, path: Path) => parentOf(document, path)[path.at(-1)!];
const setAt = (document: Json, path: Path, value: unknown) => void (parentOf(document, path)[path.at(-1)!] = value);
function removeAt(document: Json, path: Path) {
  const parent = parentOf(document, path);
  const key = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
}

const choose = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);
const reversedKeys = (object: Json) => Object.fromEntries(Object.entries(object).reverse());

/** A different string: the plan's value, or the original changed in one of the ways a forger or a bug would change it. */
function changedString(original: string, { pick, value }: { pick: number; value: string }): string {
  const variants = [
    value,
    `${original}x`,
    `\u200f${original}`,
    original.toUpperCase() === original ? original.toLowerCase() : original.toUpperCase(),
    original.normalize('NFD') === original ? original.normalize('NFC') : original.normalize('NFD'),
    `${original} `,
    original.slice(1),
  ];
  const changed = variants[pick % variants.length]!;
  return changed === original ? `${original}\u0301` : changed;
}

const UNKNOWN_PROPERTIES = ['favouriteColour', 'note', 'description', 'image', 'id', 'type', 'https://fast-path.test/vocab#note', 'ex:note', '@id', '@type'];
const CONTEXT_CHANGES: ((context: unknown[]) => unknown)[] = [
  (context) => context.slice(0, 1),
  (context) => [...context].reverse(),
  (context) => [...context, EXAMPLES_V2_CONTEXT],
  (context) => [...context, context[0]],
  (context) => [VC_V1_CONTEXT, ...context.slice(1)],
  (context) => context.map((url) => (url === OB_V3_CONTEXT ? 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json' : url)),
  (context) => [...context, OB_V3_CONTEXT],
  (context) => [...context, 'https://fast-path.test/contexts/unknown/v1'],
  (context) => context[0],
  (context) => [...context, { note: 'https://fast-path.test/vocab#note' }],
  (context) => [VC_V2_CONTEXT, VC_V2_CONTEXT, ...context.slice(1)],
];

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The proof value with one change: a character replaced, dropped, added or swapped, whitespace, another multibase prefix. */
function changedProofValue(proofValue: string, { at, pick }: { at: number; pick: number }): string {
  const index = 1 + (at % (proofValue.length - 1));
  const replacement = BASE58[(BASE58.indexOf(proofValue[index]!) + 1 + (pick % (BASE58.length - 1))) % BASE58.length]!;
  const variants = [
    `${proofValue.slice(0, index)}${replacement}${proofValue.slice(index + 1)}`,
    proofValue.slice(0, -1),
    `${proofValue}${replacement}`,
    `${proofValue.slice(0, index - 1)}${proofValue[index]}${proofValue[index - 1]}${proofValue.slice(index + 1)}`,
    ` ${proofValue}`,
    `${proofValue}\n`,
    `u${proofValue.slice(1)}`,
    proofValue.slice(1),
    '',
  ];
  return variants[pick % variants.length]!;
}

/** The signed document `signed` changed as `plan` says, and a name for the change (kind and where). */
export function mutate(signed: Json, plan: MutationPlan, others: OtherProofs): { name: string; document: Json } {
  const document = structuredClone(signed);
  const { kind, at, pick, value } = plan;
  const proofs = document.proof as Json[];
  const proof = proofs[0]!;
  const bodyPaths = pathsOf(document).filter((path) => path[0] !== 'proof' && path[0] !== '@context');
  const where = (path: Path | undefined) => (path ? `${kind} at ${path.join('.')}` : `${kind} (nowhere applicable)`);
  switch (kind) {
    case 'none':
      return { name: kind, document };
    case 'string': {
      const path = choose(bodyPaths.filter((candidate) => typeof valueAt(document, candidate) === 'string'), at);
      if (path) setAt(document, path, changedString(valueAt(document, path) as string, { pick, value }));
      return { name: where(path), document };
    }
    case 'remove': {
      const path = choose(bodyPaths, at);
      if (path) removeAt(document, path);
      return { name: where(path), document };
    }
    case 'add-property': {
      const objects = [[], ...bodyPaths.filter((candidate) => { const found = valueAt(document, candidate); return found !== null && typeof found === 'object' && !Array.isArray(found); })];
      const path = choose(objects, at)!;
      const target = path.length === 0 ? document : (valueAt(document, path) as Json);
      const key = choose(UNKNOWN_PROPERTIES, pick)!;
      target[key in target ? `${key}2` : key] = value;
      return { name: `${kind} ${key} at ${path.join('.') || 'the root'}`, document };
    }
    case 'retype': {
      const path = choose(bodyPaths.filter((candidate) => { const found = valueAt(document, candidate); return found === null || typeof found !== 'object'; }), at);
      if (path) {
        const original = valueAt(document, path);
        const variants = [42, 4.2, -1, true, false, null, [], {}, { id: original }, typeof original === 'string' ? (Number.isNaN(Number(original)) ? '' : Number(original)) : String(original)];
        setAt(document, path, variants[pick % variants.length]);
      }
      return { name: where(path), document };
    }
    case 'wrap': {
      const path = choose(bodyPaths, at);
      if (path) {
        const original = valueAt(document, path);
        setAt(document, path, Array.isArray(original) && original.length === 1 ? original[0] : [original]);
      }
      return { name: where(path), document };
    }
    case 'reorder-array':
    case 'duplicate-element': {
      const arrays = [['@context'], ...bodyPaths].filter((candidate) => { const found = valueAt(document, candidate); return Array.isArray(found) && found.length >= (kind === 'reorder-array' ? 2 : 1); });
      const path = choose(arrays, at);
      if (path) {
        const array = valueAt(document, path) as unknown[];
        setAt(document, path, kind === 'reorder-array' ? [...array].reverse() : [...array, structuredClone(array[pick % array.length])]);
      }
      return { name: where(path), document };
    }
    case 'reorder-keys': {
      const objects = [[], ...bodyPaths.filter((candidate) => { const found = valueAt(document, candidate); return found !== null && typeof found === 'object' && !Array.isArray(found); })];
      const path = choose(objects, at)!;
      if (path.length === 0) return { name: `${kind} at the root`, document: reversedKeys(document) };
      setAt(document, path, reversedKeys(valueAt(document, path) as Json));
      return { name: where(path), document };
    }
    case 'context': {
      const change = pick % CONTEXT_CHANGES.length;
      document['@context'] = CONTEXT_CHANGES[change]!(document['@context'] as unknown[]);
      return { name: `${kind} #${change}`, document };
    }
    case 'proof-created': {
      const created = proof.created as string;
      const date = new Date(created);
      const variants = [
        new Date(date.getTime() + 1000).toISOString().replace('.000Z', 'Z'),
        new Date(date.getTime() - 1000).toISOString().replace('.000Z', 'Z'),
        date.toISOString(),
        created.replace('Z', '+00:00'),
        created.slice(0, 10),
        '2999-01-01T00:00:00Z',
        undefined,
      ];
      const variant = pick % variants.length;
      if (variants[variant] === undefined) delete proof.created;
      else proof.created = variants[variant];
      return { name: `${kind} #${variant}`, document };
    }
    case 'proof-verification-method': {
      const method = proof.verificationMethod as string;
      const [controller = '', fragment = ''] = method.split('#');
      const otherKey = (others.byOtherKey.verificationMethod as string).split('#')[1]!;
      const variants = [`${controller}#${otherKey}`, `${controller}:other#${fragment}`, controller, `did:key:${fragment}#${fragment}`, method.toUpperCase(), `${method}x`, { id: method }, undefined];
      const variant = pick % variants.length;
      if (variants[variant] === undefined) delete proof.verificationMethod;
      else proof.verificationMethod = variants[variant];
      return { name: `${kind} #${variant}`, document };
    }
    case 'proof-purpose':
    case 'proof-cryptosuite':
    case 'proof-type': {
      const field = { 'proof-purpose': 'proofPurpose', 'proof-cryptosuite': 'cryptosuite', 'proof-type': 'type' }[kind];
      const choices = {
        'proof-purpose': ['authentication', 'capabilityInvocation', 'capabilityDelegation', 'keyAgreement', 'AssertionMethod', undefined],
        'proof-cryptosuite': ['eddsa-jcs-2022', 'eddsa-2022', 'ecdsa-rdfc-2019', 'EDDSA-RDFC-2022', 'eddsa-rdfc-2022 ', undefined],
        'proof-type': ['Ed25519Signature2020', 'DataIntegrityProof2', 'dataintegrityproof', ['DataIntegrityProof'], undefined],
      }[kind];
      const variant = pick % choices.length;
      if (choices[variant] === undefined) delete proof[field];
      else proof[field] = choices[variant];
      return { name: `${kind} #${variant}`, document };
    }
    case 'proof-value': {
      proof.proofValue = changedProofValue(proof.proofValue as string, { at, pick });
      return { name: `${kind} #${pick % 9}`, document };
    }
    case 'proof-extra-property': {
      const extras: [string, unknown][] = [['nonce', value], ['domain', 'https://verifier.example'], ['challenge', value], ['expires', '2000-01-01T00:00:00Z'], ['expires', '2999-01-01T00:00:00Z'], ['id', 'urn:uuid:9b2f0c1e-4d3a-4b5c-8d6e-7f8091a2b3c4'], ['previousProof', 'urn:uuid:1'], ['favouriteColour', value]];
      const [key, extra] = extras[pick % extras.length]!;
      proof[key] = extra;
      return { name: `${kind} ${key}`, document };
    }
    case 'proof-shape': {
      const variants = [() => void (document.proof = proof), () => void delete document.proof, () => void (document.proof = []), () => void (document.proof = [proof, structuredClone(proof)]), () => void (document.proof = null)];
      const variant = pick % variants.length;
      variants[variant]!();
      return { name: `${kind} #${variant}`, document };
    }
    case 'proof-by-other-key':
      document.proof = [structuredClone(others.byOtherKey)];
      return { name: kind, document };
    case 'proof-of-other-document':
      document.proof = [structuredClone(others.ofOtherDocument)];
      return { name: kind, document };
  }
}
