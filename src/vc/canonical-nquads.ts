import { createHash } from 'node:crypto';
import { _canonizeSync as canonizeDataset, NQuads, type Quad } from 'rdf-canonize';

/**
 * The RDFC-1.0 canonical N-Quads of a dataset in the default graph, given as serialised triples (a flat list:
 * subject, predicate, object, … each term written as N-Quads writes it — see `iriText` and `literalText` — and a
 * blank node as `_:` and any label). The result is the string rdf-canonize's RDFC-1.0 returns for the same quads,
 * a triple given twice included (jsonld.js's toRDF can give one twice, and both lines are then in the output).
 *
 * RDFC-1.0 labels blank nodes by the SHA-256 of their "first-degree quads" (the quads that mention the node, with
 * the node written `_:a` and every other blank node `_:z`, sorted). When those hashes are all different, the
 * canonical labels are issued in the order of the hashes (`_:c14n0`, `_:c14n1`, …) and nothing else decides them
 * (spec §4.4.3 steps 4–5 and 7); only blank nodes sharing a hash need the N-degree hashing (step 6). The blank nodes
 * of our credentials (the subject, its identity object, the criteria, each evidence item) differ at the first degree,
 * so this computes exactly those steps on text written once per triple, without building quad objects; a dataset
 * with a shared hash goes to rdf-canonize's own RDFC-1.0, each line parsed back into its quad. The writer mirrors
 * rdf-canonize's N-Quads writer, escapes included; test/vc/canonical-nquads.test.ts and the differential tests
 * (test/vc/fast-path*.test.ts) hold both to the same bytes.
 */
export function canonicalNQuads(triples: readonly string[]): string {
  const mentions = new Map<string, number[]>();
  for (let index = 0; index < triples.length; index += 3) {
    const subject = triples[index]!;
    const object = triples[index + 2]!;
    if (isBlank(subject)) mentionedIn(mentions, subject, index);
    if (isBlank(object) && object !== subject) mentionedIn(mentions, object, index);
  }
  if (mentions.size === 0) return sortedLines(triples, undefined);

  const byHash = new Map<string, string>();
  for (const [node, indices] of mentions) {
    const hash = createHash('sha256').update(firstDegreeQuads(triples, indices, node), 'utf8').digest('hex');
    // two blank nodes alike at the first degree: the N-degree hashing decides, which is rdf-canonize's job
    if (byHash.has(hash)) return canonizeDataset(quadsOf(triples), { algorithm: 'RDFC-1.0' });
    byHash.set(hash, node);
  }
  const canonical = new Map<string, string>();
  for (const hash of [...byHash.keys()].sort()) canonical.set(byHash.get(hash)!, `_:c14n${canonical.size}`);
  return sortedLines(triples, canonical);
}

/**
 * The triples as rdf-canonize's quad objects, each line parsed on its own: the parser drops a line equal to an
 * earlier one of the same input, and compares each line with all earlier ones (quadratic in a large document).
 */
function quadsOf(triples: readonly string[]): Quad[] {
  const quads: Quad[] = [];
  for (let index = 0; index < triples.length; index += 3) quads.push(...NQuads.parse(nquadsLine(triples[index]!, triples[index + 1]!, triples[index + 2]!)));
  return quads;
}

/** The triples that mention `node`, it written `_:a` and any other blank node `_:z`, as sorted N-Quads lines. */
function firstDegreeQuads(triples: readonly string[], indices: number[], node: string) {
  const lines: string[] = [];
  for (const index of indices) {
    const subject = triples[index]!;
    const object = triples[index + 2]!;
    lines.push(nquadsLine(isBlank(subject) ? (subject === node ? '_:a' : '_:z') : subject, triples[index + 1]!, isBlank(object) ? (object === node ? '_:a' : '_:z') : object));
  }
  return lines.sort().join('');
}

function mentionedIn(mentions: Map<string, number[]>, blank: string, index: number) {
  const indices = mentions.get(blank);
  if (indices) indices.push(index);
  else mentions.set(blank, [index]);
}

function nquadsLine(subject: string, predicate: string, object: string) {
  return `${subject} ${predicate} ${object} .\n`;
}

// IRIs are written from "<" and literals from a quote: a leading "_" is a blank node.
const isBlank = (text: string) => text.charCodeAt(0) === 95;

/** Every triple as an N-Quads line, blank nodes under their `canonical` labels, in the code-unit order rdf-canonize sorts its output in. */
function sortedLines(triples: readonly string[], canonical: Map<string, string> | undefined) {
  const lines: string[] = [];
  for (let index = 0; index < triples.length; index += 3) {
    const subject = triples[index]!;
    const object = triples[index + 2]!;
    lines.push(nquadsLine(canonical && isBlank(subject) ? canonical.get(subject)! : subject, triples[index + 1]!, canonical && isBlank(object) ? canonical.get(object)! : object));
  }
  return lines.sort().join('');
}

export const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/** An IRI term as rdf-canonize's N-Quads writer spells it. */
export const iriText = (iri: string) => `<${escapeIri(iri)}>`;

/**
 * What follows a literal's quoted value for its datatype, as rdf-canonize's writer spells it: nothing for
 * xsd:string, else `^^<datatype>` (rdf:langString, written with its language, is not for this function).
 */
export const datatypeSuffix = (datatype: string) => (datatype === XSD_STRING ? '' : `^^${iriText(datatype)}`);

/** A literal term: the quoted, escaped value and its datatype's suffix (`datatypeSuffix`). */
export const literalText = (value: string, suffix: string) => `"${escapeLiteral(value)}"${suffix}`;

// The escapes of rdf-canonize's N-Quads writer: in literals ECHAR for \b \t \n \f \r " \\ and UCHAR for the other
// control characters and DEL; in IRIs UCHAR for controls, space and <>"{}|^`\. Most texts have none: testing first
// spares building a new string.
const LITERAL_ESCAPES = /[\u0000-\u001F\u007F"\\]/;
const LITERAL_ESCAPES_ALL = new RegExp(LITERAL_ESCAPES.source, 'g');
const LITERAL_ECHAR: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\' };
const IRI_ESCAPES = /[\u0000-\u0020<>"{}|^`\\]/;
const IRI_ESCAPES_ALL = new RegExp(IRI_ESCAPES.source, 'g');

const uchar = (character: string) => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
const escapeLiteral = (text: string) =>
  LITERAL_ESCAPES.test(text) ? text.replace(LITERAL_ESCAPES_ALL, (character) => LITERAL_ECHAR[character] ?? uchar(character)) : text;
const escapeIri = (text: string) => (IRI_ESCAPES.test(text) ? text.replace(IRI_ESCAPES_ALL, uchar) : text);
