import fc from 'fast-check';
import { _canonizeSync as stockCanonize, type Quad, type RdfTerm } from 'rdf-canonize';
import t from 'tap';
import { canonicalNQuads, datatypeSuffix, iriText, literalText } from '../../src/vc/canonical-nquads.js';

// canonicalNQuads against rdf-canonize's RDFC-1.0 (the stock path's), on random datasets given to each in its own
// form: rdf-canonize gets quad objects, canonicalNQuads the texts its callers write with iriText / literalText. Blank
// nodes are drawn from a small pool so that some datasets have blank nodes alike at the first degree (rdf-canonize's
// N-degree hashing then decides, through the fallback), some triples come twice (both kept), and texts carry what
// the N-Quads writer escapes.

const RUNS = Number(process.env.FAST_PATH_RUNS ?? 10_000);

const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', '"', '\\', '\\u0041', '\n\r\t\b\f', '\u0000\u001F\u007F', 'قارئ\u200F', '学习者', 'e\u0301', '\uD83D', '<>{}|^`'),
);
const iri = fc.oneof(
  fc.constantFrom('https://example.org/a', 'https://example.org/b', 'did:web:example.org', 'urn:uuid:1'),
  hostileText.map((text) => `https://example.org/${text}`),
);
const datatype = fc.constantFrom('http://www.w3.org/2001/XMLSchema#string', 'http://www.w3.org/2001/XMLSchema#dateTime', 'http://www.w3.org/2001/XMLSchema#integer', 'https://example.org/type');

type Term = { kind: 'iri'; value: string } | { kind: 'blank'; label: number } | { kind: 'literal'; value: string; datatype: string };
const subject: fc.Arbitrary<Term> = fc.oneof(
  iri.map((value) => ({ kind: 'iri' as const, value })),
  fc.integer({ min: 0, max: 4 }).map((label) => ({ kind: 'blank' as const, label })),
);
const object: fc.Arbitrary<Term> = fc.oneof(subject, fc.record({ kind: fc.constant('literal' as const), value: hostileText, datatype }));
const predicate = fc.constantFrom('https://example.org/p', 'https://example.org/q', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
const dataset = fc.array(fc.tuple(subject, predicate, object), { maxLength: 24 });

const rdfTerm = (term: Term): RdfTerm =>
  term.kind === 'iri'
    ? { termType: 'NamedNode', value: term.value }
    : term.kind === 'blank'
      ? { termType: 'BlankNode', value: `b${term.label}` }
      : { termType: 'Literal', value: term.value, datatype: { termType: 'NamedNode', value: term.datatype } };
const text = (term: Term) => (term.kind === 'iri' ? iriText(term.value) : term.kind === 'blank' ? `_:b${term.label}` : literalText(term.value, datatypeSuffix(term.datatype)));

function outcome(canonize: () => string) {
  try {
    return `canonical: ${canonize()}`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** Both forms of one dataset; a triple drawn twice stays twice, as jsonld.js's toRDF can give one. */
function forms(triples: [Term, string, Term][]) {
  const quads: Quad[] = triples.map(([s, p, o]) => ({ subject: rdfTerm(s), predicate: { termType: 'NamedNode', value: p }, object: rdfTerm(o), graph: { termType: 'DefaultGraph', value: '' } }));
  const texts = triples.flatMap(([s, p, o]) => [text(s), iriText(p), text(o)]);
  return { quads, texts };
}

t.test('gives the bytes rdf-canonize gives, blank nodes alike at the first degree included', async (t) => {
  let severalBlankNodes = 0;
  let refused = 0;
  let repeated = 0;
  fc.assert(
    fc.property(dataset, (triples) => {
      const { quads, texts } = forms(triples);
      // rdf-canonize refuses cyclic blank node graphs past its work limit ("Maximum deep iterations exceeded"):
      // the fallback must refuse them the same way
      const expected = outcome(() => stockCanonize(quads, { algorithm: 'RDFC-1.0' }));
      const actual = outcome(() => canonicalNQuads(texts));
      if (actual !== expected) throw new Error(`differs:\n${expected}\n${actual}`);
      if (expected.startsWith('error')) refused++;
      else if ((expected.match(/_:c14n\d+ /g) ?? []).length > 1) severalBlankNodes++;
      const lines = expected.split('\n');
      if (lines.some((line, index) => line !== '' && line === lines[index - 1])) repeated++;
    }),
    { numRuns: RUNS },
  );
  t.ok(severalBlankNodes > RUNS / 10, `datasets with several blank nodes were generated (${severalBlankNodes})`);
  t.comment(`${refused} datasets past rdf-canonize's work limit, refused alike`);
  t.ok(repeated > 0, `datasets with a triple twice were generated, both lines kept (${repeated})`);
});

t.test('two blank nodes with the same first-degree quads are told apart as rdf-canonize does', async (t) => {
  // two evidence items written the same: their first-degree hashes are equal, so the N-degree hashing decides
  const evidence = (label: string) => [`_:${label}`, iriText('https://schema.org/name'), literalText('Portfolio', '')];
  const texts = [iriText('https://example.org/credential'), iriText('https://example.org/evidence'), '_:x', iriText('https://example.org/credential'), iriText('https://example.org/evidence'), '_:y', ...evidence('x'), ...evidence('y')];
  const quads = texts
    .map((_, index) => index)
    .filter((index) => index % 3 === 0)
    .map((index) => {
      const term = (value: string): RdfTerm => (value.startsWith('_:') ? { termType: 'BlankNode', value: value.slice(2) } : value.startsWith('<') ? { termType: 'NamedNode', value: value.slice(1, -1) } : { termType: 'Literal', value: 'Portfolio', datatype: { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#string' } });
      return { subject: term(texts[index]!), predicate: term(texts[index + 1]!), object: term(texts[index + 2]!), graph: { termType: 'DefaultGraph', value: '' } } as Quad;
    });
  t.equal(canonicalNQuads(texts), stockCanonize(quads, { algorithm: 'RDFC-1.0' }));
  t.match(canonicalNQuads(texts), /_:c14n0 <https:\/\/schema.org\/name> "Portfolio" \.\n_:c14n1 <https:\/\/schema.org\/name> "Portfolio" \.\n/);
});

t.test('a cycle of blank nodes alike is refused past rdf-canonize\'s work limit, as rdf-canonize refuses it', async (t) => {
  const type = iriText('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
  const texts = ['_:b1', type, '_:b2', '_:b2', type, '_:b1'];
  const blank = (value: string): RdfTerm => ({ termType: 'BlankNode', value });
  const quads: Quad[] = [
    { subject: blank('b1'), predicate: { termType: 'NamedNode', value: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' }, object: blank('b2'), graph: { termType: 'DefaultGraph', value: '' } },
    { subject: blank('b2'), predicate: { termType: 'NamedNode', value: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' }, object: blank('b1'), graph: { termType: 'DefaultGraph', value: '' } },
  ];
  const expected = outcome(() => stockCanonize(quads, { algorithm: 'RDFC-1.0' }));
  t.match(expected, /^error: Maximum deep iterations exceeded/);
  t.equal(outcome(() => canonicalNQuads(texts)), expected);
});

t.test('writes terms as the N-Quads writer does', async (t) => {
  t.equal(iriText('https://example.org/a b<c>'), '<https://example.org/a\\u0020b\\u003Cc\\u003E>');
  t.equal(literalText('say "hi"\n\u0001', ''), '"say \\"hi\\"\\n\\u0001"');
  t.equal(literalText('2026-01-01T00:00:00Z', datatypeSuffix('http://www.w3.org/2001/XMLSchema#dateTime')), '"2026-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>');
  t.equal(datatypeSuffix('http://www.w3.org/2001/XMLSchema#string'), '', 'xsd:string is not written');
});
