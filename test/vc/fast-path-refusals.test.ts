import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import { buildOpenBadgeCredential } from '../../src/modules/credentials/document.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../src/vc/contexts.js';
import { eddsaRdfc2022 } from '../../src/vc/cryptosuite.js';
import { centreDid } from '../../src/vc/did-web.js';
import { createDocumentLoader, type DocumentLoader } from '../../src/vc/document-loader.js';
import { fastCanonize } from '../../src/vc/fast-canonize.js';
import { SigningError, signCredential } from '../../src/vc/sign.js';
import { statusListEntry } from '../../src/vc/status-list.js';
import { didDocumentOf, disagreement, signingKeys, stockCanonize, stockIssue, verifyBothWays } from '../support/fast-path-oracle.js';

// Differential oracle (issue 14), documents the fast path does not handle: each must make fastCanonize answer
// undefined, and then signCredential and the cryptosuite seam give exactly what the stock library gives (the same
// signed document, or the same error), and the service verifies what the stock library signed exactly as the
// stock verifier does. The documents are our OB 3.0 credential with one thing changed.

type Json = Record<string, unknown>;

const publicBaseUrl = 'https://credentials.iioe.org';
const config = { ...loadConfig({}), publicBaseUrl };
const centre = {
  id: '0e6f1c52-8a4e-4c1b-9f7e-2d3c4b5a6978',
  slug: 'egypt',
  name: { en: 'IIOE Egypt National Centre', ar: 'المركز الوطني المصري للمعهد الدولي للتعليم عبر الإنترنت' },
  defaultLanguage: 'ar',
  countryCode: 'EG',
  websiteUrl: 'https://iioe.asu.edu.eg',
  hostInstitution: 'Ain Shams University',
  contactEmail: null,
  status: 'active' as const,
  isDemo: false,
  vcalmSecuring: 'data-integrity' as const,
  createdAt: new Date('2026-01-01T00:00:00Z'),
};
const issuer = centreDid(publicBaseUrl, centre.slug);
const credential = buildOpenBadgeCredential({
  id: '5b1f7c3e-2d4a-4e8b-9c6f-1a2b3c4d5e6f',
  config,
  centre,
  achievement: {
    id: '7d2e9f10-3b4c-4d5e-8f6a-7b8c9d0e1f2a',
    version: 2,
    name: { en: '1+X GenAI Foundation', ar: 'أساسيات الذكاء الاصطناعي التوليدي 1+X' },
    description: { en: 'Generative AI for higher-education teachers.', ar: 'الذكاء الاصطناعي التوليدي لأساتذة التعليم العالي.' },
    criteria: { en: 'Completed the four modules and the final project.', ar: 'أكمل الوحدات الأربع والمشروع النهائي.' },
    achievementType: 'Certificate',
    series: '1+X GenAI',
    level: 'Foundation',
    hours: 20,
    alignments: [{ targetName: 'AI for teaching', targetUrl: 'https://www.unesco.org/en/digital-competencies' }],
  },
  language: 'ar',
  input: {
    achievementId: '7d2e9f10-3b4c-4d5e-8f6a-7b8c9d0e1f2a',
    recipient: { name: 'أمينة السيد', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
    narrative: 'صمّمت مقرّراً كاملاً بمساعدة الذكاء الاصطناعي.',
    evidence: [{ url: 'https://portfolio.example/amina', name: 'المشروع النهائي' }, { description: 'Peer review' }],
  },
  validFrom: new Date('2026-03-01T10:00:00Z'),
  credentialStatus: statusListEntry({ listUrl: `${publicBaseUrl}/status/3f4e5d6c-7b8a-4901-8a2b-3c4d5e6f7a8b`, index: 94_567 }),
}) as Json;

/** A context of our own for these tests, written from JSON-LD 1.1 §4.3–4.6: one term per feature the fast path leaves alone. */
const FEATURES_CONTEXT = 'https://fast-path.test/contexts/features/v1';
const featuresContext = {
  '@context': {
    ex: 'https://fast-path.test/vocab#',
    byLanguage: { '@id': 'ex:byLanguage', '@container': '@language' },
    inOrder: { '@id': 'ex:inOrder', '@container': '@list' },
    asGraph: { '@id': 'ex:asGraph', '@container': '@graph' },
    byIndex: { '@id': 'ex:byIndex', '@container': '@index' },
    byId: { '@id': 'ex:byId', '@container': '@id' },
    json: { '@id': 'ex:json', '@type': '@json' },
    arabicText: { '@id': 'ex:arabicText', '@language': 'ar' },
    rtlText: { '@id': 'ex:rtlText', '@direction': 'rtl' },
    partOf: { '@reverse': 'ex:hasPart' },
    measured: { '@id': 'ex:measured', '@type': 'http://www.w3.org/2001/XMLSchema#double' },
    langString: { '@id': 'ex:langString', '@type': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString' },
    kind: { '@id': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type', '@type': '@vocab' },
    count: { '@id': 'ex:count', '@type': 'http://www.w3.org/2001/XMLSchema#integer' },
    plainNote: { '@id': 'ex:note' },
    typedNote: { '@id': 'ex:note', '@type': 'http://www.w3.org/2001/XMLSchema#string' },
    typedNoteAgain: { '@id': 'ex:note', '@type': 'http://www.w3.org/2001/XMLSchema#string' },
  },
};

const loader = createDocumentLoader();
const featuresLoader = createDocumentLoader({ ownContexts: new Map([[FEATURES_CONTEXT, featuresContext]]) });
const withFeatures = (change: (document: Json) => void) => (document: Json) => {
  document['@context'] = [VC_V2_CONTEXT, OB_V3_CONTEXT, FEATURES_CONTEXT];
  change(document);
};

const subject = (document: Json) => document.credentialSubject as Json;
const achievement = (document: Json) => subject(document).achievement as Json;

interface Case {
  name: string;
  change: (document: Json) => void;
  documentLoader?: DocumentLoader;
}

const REFUSED: Case[] = [
  { name: 'a term no context defines (VC 2.0 @vocab)', change: (d) => void (d.favouriteColour = 'blue') },
  { name: 'a term no context defines, inside the achievement', change: (d) => void (achievement(d).internalNote = 'ملاحظة') },
  { name: 'a nested @context', change: (d) => void Object.assign(subject(d), { '@context': { note: 'https://fast-path.test/vocab#note' }, note: 'x' }) },
  { name: 'a value object with a language', change: (d) => void (d.name = { '@value': 'أساسيات', '@language': 'ar' }) },
  { name: 'a value object with a direction', change: (d) => void (achievement(d).description = { '@value': 'نص', '@language': 'ar', '@direction': 'rtl' }) },
  { name: 'a typed value object', change: (d) => void (d.validFrom = { '@value': '2026-03-01T10:00:00Z', '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' }) },
  { name: 'a null value', change: (d) => void (subject(d).narrative = null) },
  { name: 'a null inside an array', change: (d) => void (achievement(d).tag = ['1+X GenAI', null]) },
  { name: 'a non-integer number (xsd:float term)', change: (d) => void (subject(d).creditsEarned = 2.5) },
  { name: 'a non-integer number (plain term)', change: (d) => void (achievement(d).version = 2.5) },
  { name: 'an integer beyond 1e21', change: (d) => void (subject(d).creditsEarned = 1e21) },
  { name: 'a relative IRI as the subject id', change: (d) => void (subject(d).id = 'learners/amina') },
  { name: 'a relative IRI as the evidence id', change: (d) => void ((d.evidence as Json[])[0]!.id = 'portfolio/amina') },
  { name: 'a relative IRI in an @id-typed term', change: (d) => void (achievement(d).image = 'images/badge.png') },
  { name: 'a blank node identifier as an id', change: (d) => void (achievement(d).id = '_:course') },
  { name: 'a compact IRI key with an undefined prefix', change: (d) => void (achievement(d)['schema:keywords'] = 'AI') },
  { name: 'an absolute IRI key', change: (d) => void (achievement(d)['https://schema.org/keywords'] = 'AI') },
  { name: 'an @list container term (OB 3.0 allowedValue)', change: (d) => void (achievement(d).resultDescription = [{ id: 'https://credentials.iioe.org/results/1', type: ['ResultDescription'], name: 'Grade', resultType: 'LetterGrade', allowedValue: ['A', 'B', 'C'] }]) },
  { name: 'an @graph container term (an existing proof)', change: (d) => void (d.proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', created: '2026-03-01T10:00:00Z', verificationMethod: `${issuer}#key`, proofPurpose: 'assertionMethod', proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKods5vkPoSk3CFPhaH' }) },
  { name: 'an inline object in the root @context', change: (d) => void (d['@context'] = [VC_V2_CONTEXT, OB_V3_CONTEXT, { note: 'https://fast-path.test/vocab#note' }]) },
  { name: 'a context that is not bundled', change: (d) => void (d['@context'] = [VC_V2_CONTEXT, OB_V3_CONTEXT, 'https://fast-path.test/contexts/unknown/v1']) },
  { name: 'an @language container term', change: withFeatures((d) => void (achievement(d).byLanguage = { en: 'Foundation', ar: 'أساسيات' })), documentLoader: featuresLoader },
  { name: 'an @list container term', change: withFeatures((d) => void (achievement(d).inOrder = ['first', 'second'])), documentLoader: featuresLoader },
  { name: 'an @graph container term', change: withFeatures((d) => void (achievement(d).asGraph = { id: 'https://fast-path.test/g', name: 'x' })), documentLoader: featuresLoader },
  { name: 'an @index container term', change: withFeatures((d) => void (achievement(d).byIndex = { a: 'first' })), documentLoader: featuresLoader },
  { name: 'an @id container term', change: withFeatures((d) => void (achievement(d).byId = { 'https://fast-path.test/x': { name: 'x' } })), documentLoader: featuresLoader },
  { name: 'an @json term', change: withFeatures((d) => void (achievement(d).json = { any: ['json', 1.5] })), documentLoader: featuresLoader },
  { name: 'a term with a default language', change: withFeatures((d) => void (achievement(d).arabicText = 'نص')), documentLoader: featuresLoader },
  { name: 'a term with a base direction', change: withFeatures((d) => void (achievement(d).rtlText = 'نص')), documentLoader: featuresLoader },
  { name: 'a reverse property', change: withFeatures((d) => void (achievement(d).partOf = { id: 'https://fast-path.test/programme' })), documentLoader: featuresLoader },
  { name: 'a compact IRI key with a defined prefix', change: withFeatures((d) => void (achievement(d)['ex:note'] = 'x')), documentLoader: featuresLoader },
  { name: 'an integer in an xsd:double term', change: withFeatures((d) => void (achievement(d).measured = 3)), documentLoader: featuresLoader },
  { name: 'a string in an rdf:langString term', change: withFeatures((d) => void (achievement(d).langString = 'Foundation')), documentLoader: featuresLoader },
  // found by test/vc/fast-path-fuzz.test.ts: the walk once wrote nothing (or a node) for these
  { name: 'an @json term holding an empty array (VC 2.0 _sd)', change: (d) => void (d._sd = []) },
  { name: 'an @json term holding an object', change: (d) => void (d._sd = { name: 'b' }) },
  { name: 'a document with an id alone', change: (d) => void Object.keys(d).forEach((key) => key === '@context' || key === 'id' || delete d[key]) },
  { name: 'a string in an xsd:double term', change: withFeatures((d) => void (achievement(d).measured = '1')), documentLoader: featuresLoader },
  { name: 'a type with a scoped context mixed with unknown types', change: (d) => void ((achievement(d).type = ['Achievement', 'IIOECourse']), (subject(d).type = ['Learner', 'AchievementSubject'])) },
];

/** Documents the fast path handles although they are not ours: they must come out exactly as the stock path's. */
const HANDLED: Case[] = [
  { name: 'a type with a scoped context beside another defined type', change: (d) => void (achievement(d).type = ['Achievement', 'Criteria']) },
  { name: 'an integer in an xsd:float term', change: (d) => void (subject(d).creditsEarned = 3) },
  { name: 'the feature context present but unused', change: withFeatures(() => {}), documentLoader: featuresLoader },
  // a triple that could come out twice: jsonld.js's node map drops a value equal to one the node holds under the
  // same property (the walk then walks again, merging as it does), and keeps values that are written alike
  { name: 'a tag listed twice', change: (d) => void (achievement(d).tag = ['AI', 'Module', 'AI']) },
  { name: 'a long list with a repeat', change: (d) => void (achievement(d).tag = [...Array.from({ length: 20 }, (_, i) => `tag ${i}`), 'tag 3']) },
  { name: 'the issuer described again as the achievement\'s creator', change: (d) => void (achievement(d).creator = structuredClone(d.issuer)) },
  {
    name: 'a type given again through a term meaning rdf:type (the same line twice)',
    change: withFeatures((d) => void (achievement(d).kind = ['https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement', 'https://fast-path.test/vocab#Other'])),
    documentLoader: featuresLoader,
  },
  { name: 'a number and a string with the same digits on a typed term (the same line twice)', change: withFeatures((d) => void (achievement(d).count = [5, '5', 5])), documentLoader: featuresLoader },
  {
    name: 'one IRI through two terms, one typed xsd:string (the same line twice)',
    change: withFeatures((d) => void Object.assign(achievement(d), { plainNote: 'note', typedNote: 'note', typedNoteAgain: 'note' })),
    documentLoader: featuresLoader,
  },
  // blank nodes alike at the first degree: labelled by rdf-canonize's N-degree hashing
  {
    name: 'two identical evidence items (blank nodes alike at the first degree)',
    change: (d) => void (d.evidence = [{ type: ['Evidence'], name: 'Portfolio' }, { type: ['Evidence'], name: 'Portfolio' }]),
  },
];

/** The result of `work`, or its error's name and message (for a SigningError, of the library error it wraps). */
async function outcome(work: () => Promise<unknown>): Promise<{ value?: string; error?: string }> {
  try {
    const value = await work();
    return { value: typeof value === 'string' ? value : JSON.stringify(value) };
  } catch (error) {
    const cause = error instanceof SigningError ? error.cause : error;
    return { error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) };
  }
}

const created = new Date('2026-03-01T10:00:05Z');
const keys = await signingKeys(issuer, 0);
const didDocument = didDocumentOf(issuer, publicBaseUrl);

async function compare(t: Test, { change, documentLoader = loader }: Case, expectRefusal: boolean) {
  const document = structuredClone(credential);
  change(document);
  const fast = await outcome(() => fastCanonize({ document: structuredClone(document), documentLoader }));
  const stockCanonical = await outcome(() => stockCanonize(structuredClone(document), documentLoader));
  if (expectRefusal) t.same(fast, { value: undefined }, 'fastCanonize answers undefined (the stock path decides)');
  else t.same(fast, stockCanonical, 'fastCanonize gives the stock canonical form');
  const seam = await outcome(() => eddsaRdfc2022.canonize(structuredClone(document), { documentLoader, safe: true, base: null }));
  t.same(seam, stockCanonical, `the cryptosuite seam gives the stock ${stockCanonical.error ? 'error' : 'canonical form'}`);
  const stock = await outcome(async () => (await stockIssue({ credential: document, signer: keys.stockSigner, created, documentLoader })).signed);
  const ours = await outcome(() => signCredential({ credential: structuredClone(document), key: keys.key, created, documentLoader }));
  t.same(ours, stock, `signCredential gives the stock ${stock.error ? 'error' : 'signed document'}`);
  t.comment(`stock: ${stock.error ?? 'signed'}`);
  if (stock.value && documentLoader === loader) {
    // the service verifies what the stock library signed as the stock verifier does
    t.equal(disagreement(await verifyBothWays({ credential: JSON.parse(stock.value) as Json, didDocument })), undefined, 'verification agrees with the stock verifier');
  }
  return stock.error ? 'error' : 'signed';
}

t.test('documents the fast path refuses: the stock path decides, with the same result', async (t) => {
  const stockResults = new Map<string, string[]>();
  for (const refused of REFUSED) {
    await t.test(refused.name, async (t) => {
      const result = await compare(t, refused, true);
      stockResults.set(result, [...(stockResults.get(result) ?? []), refused.name]);
    });
  }
  t.comment(`${REFUSED.length} refused documents: the stock library signed ${stockResults.get('signed')?.length ?? 0}, refused ${stockResults.get('error')?.length ?? 0}`);
  // both kinds occur, so both the equal-document and the equal-error comparisons were exercised
  t.ok(stockResults.has('signed') && stockResults.has('error'), 'some are signed by the stock library, some refused by it');
});

t.test('documents the fast path handles although they are not ours: the stock result exactly', async (t) => {
  for (const handled of HANDLED) await t.test(handled.name, (t) => compare(t, handled, false));
});

t.test('the unchanged credential is handled and verifies both ways', async (t) => {
  await compare(t, { name: 'unchanged', change: () => {} }, false);
  const signed = await signCredential({ credential, key: keys.key, created });
  const verdicts = await verifyBothWays({ credential: signed, didDocument });
  t.same(verdicts, { service: 'valid', stock: true, serviceOnly: undefined, compiled: true }, 'valid for both, confirmed by the compiled path');
});
