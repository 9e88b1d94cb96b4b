import fc from 'fast-check';
import t from 'tap';
import { createDocumentLoader } from '../../src/vc/document-loader.js';
import { fastCanonize } from '../../src/vc/fast-canonize.js';
import { allowTime, assertProperty, elapsed, RUNS, SEED, startClock, stockCanonize, withShrinkBudget } from '../support/fast-path-oracle.js';
import { created, ownContextsOf, shapeContexts, verificationMethod } from '../support/fast-path-shapes.js';

// Differential oracle (issue 14), proof options: the document an eddsa-rdfc-2022 proof's options are canonicalised
// as (VC-DI-EDDSA §3.3.5: the proof without its proofValue, under the document's @context), for the contexts of each
// shape the service signs, `created` in several XSD dateTime spellings, verification methods of several schemes,
// and every proof purpose. (The signing tests of each shape also compare the proof options of every proof they make.)

allowTime(t, RUNS, 15);

t.test('proof options: fastCanonize gives the stock canonical form, with no fallback', async (t) => {
  const purposes = new Map<string, number>();
  let fallbacks = 0;
  const options = fc.record({
    contexts: shapeContexts,
    created,
    verificationMethod,
    proofPurpose: fc.constantFrom('assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'),
  });
  const property = fc.asyncProperty(options, withShrinkBudget(async ({ contexts: { publicBaseUrl, context }, ...proof }) => {
    const documentLoader = createDocumentLoader({ ownContexts: ownContextsOf(publicBaseUrl) });
    const document = { '@context': context, type: 'DataIntegrityProof', created: proof.created, verificationMethod: proof.verificationMethod, cryptosuite: 'eddsa-rdfc-2022', proofPurpose: proof.proofPurpose };
    const [fast, stock] = await Promise.all([fastCanonize({ document, documentLoader }), stockCanonize(document, documentLoader)]);
    if (fast === undefined) {
      fallbacks++;
      throw new Error('the fast path refused the proof options (fell back)');
    }
    if (fast !== stock) throw new Error(`canonical forms differ:\nfast:\n${fast}\nstock:\n${stock}`);
    purposes.set(proof.proofPurpose, (purposes.get(proof.proofPurpose) ?? 0) + 1);
  }));
  const started = startClock();
  assertProperty(t, await fc.check(property, { seed: SEED, numRuns: RUNS }), 'proof options canonicalise as the stock library does');
  t.equal(fallbacks, 0, 'the fast path handled every proof options document: no fallback');
  t.comment(`seed ${SEED}: ${RUNS} proof options in ${elapsed(started)}, ${fallbacks} fallbacks; ${[...purposes].map(([purpose, count]) => `${purpose} ${count}`).join(', ')}`);
  t.equal(purposes.size, 5, 'every proof purpose occurred');
});
