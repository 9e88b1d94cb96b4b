import t from 'tap';
import { allowTime, features, RUNS, signingDifferential } from '../support/fast-path-oracle.js';
import { registryShape } from '../support/fast-path-shapes.js';

// Differential oracle (issue 14), the trust registry credential: the product builder's registry (our own
// published context beside the VC 2.0 one) with zero to five recognised centres, active or suspended, each with
// zero or more course authorisations, open-ended or not. The fast path must handle every one and sign exactly as
// the stock library does.

const OPTIONAL = ['credentialSubject.recognisedCentres', 'credentialSubject.recognisedCentres.courseAuthorisations', 'credentialSubject.recognisedCentres.courseAuthorisations.authorisedUntil'];

allowTime(t, RUNS, 40);

t.test('trust registry credentials: stock canonical forms and signatures', async (t) => {
  const tally = await signingDifferential(t, registryShape, (document) => {
    const centres = (document.credentialSubject as { recognisedCentres: { centreStatus: string }[] }).recognisedCentres;
    return [...features(document, OPTIONAL), `centres×${Math.min(centres.length, 3)}`, ...new Set(centres.map((centre) => `centre ${centre.centreStatus}`))];
  });
  if (!tally) return; // the property failed, and its report says where: coverage means nothing then
  for (const feature of [...OPTIONAL, 'centres×0', 'centres×1', 'centres×3', 'centre active', 'centre suspended', 'lone-surrogate', 'long-text']) {
    t.ok((tally.get(feature) ?? 0) > 0, `some registries have ${feature}`);
  }
  t.ok((tally.get(OPTIONAL[2]!) ?? 0) < RUNS, 'some registries have no open-ended authorisation');
});
