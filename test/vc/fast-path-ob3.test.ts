import fc from 'fast-check';
import t from 'tap';
import { allowTime, features, RUNS, signingDifferential } from '../support/fast-path-oracle.js';
import { openBadgeCredential, vcalmCourseCredential } from '../support/fast-path-shapes.js';

// Differential oracle (issue 14), Open Badges 3.0 credentials: the product builder's credential with every optional
// field present or absent (and the same credential bound to a holder's DID, which is how the wallet hand-out's copy
// differs from it), and the credential VCALM issue signs for a course. The fast path must handle every one of them
// and sign exactly as the stock library does.

const OPTIONAL = [
  'validUntil',
  'credentialStatus',
  'evidence',
  'evidence.id',
  'evidence.name',
  'evidence.description',
  'credentialSubject.id',
  'credentialSubject.narrative',
  'credentialSubject.achievement.alignment',
  'credentialSubject.achievement.alignment.targetCode',
  'credentialSubject.achievement.alignment.targetFramework',
  'credentialSubject.achievement.tag',
  'credentialSubject.achievement.inLanguage',
];

allowTime(t, RUNS, 60);

t.test('OB 3.0 credentials of the product builder and of VCALM issue: stock canonical forms and signatures', async (t) => {
  const tally = await signingDifferential(t, fc.oneof({ weight: 4, arbitrary: openBadgeCredential }, { weight: 1, arbitrary: vcalmCourseCredential }), (document) => [
    ...features(document, OPTIONAL),
    `inLanguage=${String((document.credentialSubject as { achievement?: { inLanguage?: string } }).achievement?.inLanguage)}`,
    `evidence×${Array.isArray(document.evidence) ? Math.min(document.evidence.length, 3) : 'absent'}`,
    `subject=${String((document.credentialSubject as { id?: string }).id ?? 'none').split(':').slice(0, 2).join(':')}`,
  ]);
  if (!tally) return; // the property failed, and its report says where: coverage means nothing then
  // every optional field, both ways, and the hostile texts did occur
  for (const feature of [...OPTIONAL, 'lone-surrogate', 'astral', 'bidi-control', 'control', 'combining', 'long-text', 'subject=did:key', 'subject=did:web', 'subject=none']) {
    t.ok((tally.get(feature) ?? 0) > 0, `some documents have ${feature}`);
    t.ok((tally.get(feature) ?? 0) < RUNS, `some documents lack ${feature}`);
  }
  // an empty evidence list in the request means no evidence (VC 2.0 gives `evidence` no empty form): never `[]`
  t.equal(tally.get('evidence×0') ?? 0, 0, 'no document has an empty evidence array');
  for (const language of ['en', 'fr', 'ar', 'zh']) t.ok((tally.get(`inLanguage=${language}`) ?? 0) > 0, `some credentials are in ${language}`);
});
