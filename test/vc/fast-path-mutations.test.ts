import fc from 'fast-check';
import t from 'tap';
import { signCredential } from '../../src/vc/sign.js';
import {
  allowTime,
  assertProperty,
  didDocumentOf,
  disagreement,
  documentLoaderFor,
  elapsed,
  KEY_COUNT,
  RUNS,
  SEED,
  signingKeys,
  startClock,
  verifyBothWays,
  withShrinkBudget,
} from '../support/fast-path-oracle.js';
import { mutate, mutationPlan } from '../support/fast-path-mutations.js';
import { instant, openBadgeCredential, registryShape, statusListCredential, vcalmCourseCredential } from '../support/fast-path-shapes.js';

// Differential oracle (issue 14), verification: credentials of every shape signed by the service, then changed in
// one field (strings, removals, unknown properties, types, order, @context entries, every proof field, the proof
// value's characters), are judged by verifyCredentialProof (the compiled check first, the stock verifier for what it
// does not confirm) and by the stock vc.verifyCredential: valid exactly when the stock verifier verifies (and none of
// the service's own, stricter, document checks refused it), and the compiled path never confirms a proof the stock
// verifier rejects. The trust registry, which the service never verifies itself, is judged by the compiled path and
// the stock verifier only.

type Json = Record<string, unknown>;

const MUTATIONS = Math.max(2_000, Math.ceil(RUNS / 5));
allowTime(t, MUTATIONS, 150);

t.test('mutated credentials: the service verifies exactly as the stock verifier does', async (t) => {
  // per mutation kind: how many the service judged valid, the stock verifier verified, the compiled path confirmed,
  // and the service's own document checks refused although the stock verifier verified
  const tally = new Map<string, { valid: number; stock: number; compiled: number; serviceOnly: number; cases: number }>();
  const mutated = new Set<string>();
  const started = startClock();
  const shapes = fc.oneof(openBadgeCredential, vcalmCourseCredential, statusListCredential, registryShape);
  const property = fc.asyncProperty(shapes, instant, fc.nat({ max: KEY_COUNT - 1 }), mutationPlan, withShrinkBudget(async (shape, created, keyIndex, plan) => {
    const documentLoader = documentLoaderFor(shape);
    const document = await shape.build();
    const [keys, otherKeys] = await Promise.all([signingKeys(shape.signer, keyIndex), signingKeys(shape.signer, keyIndex + 1)]);
    const sign = (credential: Json, key = keys.key) => signCredential({ credential, key, created, documentLoader });
    const [signed, byOtherKey, ofOtherDocument] = await Promise.all([sign(document), sign(document, otherKeys.key), sign({ ...document, id: `${String(document.id)}-copy` })]);
    const mutation = mutate(signed, plan, { byOtherKey: (byOtherKey.proof as Json[])[0]!, ofOtherDocument: (ofOtherDocument.proof as Json[])[0]! });
    const verdicts = await verifyBothWays({
      credential: mutation.document,
      didDocument: didDocumentOf(shape.signer, 'https://credentials.iioe.org'),
      ownContexts: shape.ownContexts,
      service: shape.kind !== 'registry',
    });
    const problem = disagreement(verdicts);
    if (problem) throw new Error(`${shape.kind}, ${mutation.name}: ${problem}`);
    const counts = tally.get(plan.kind) ?? { valid: 0, stock: 0, compiled: 0, serviceOnly: 0, cases: 0 };
    counts.cases++;
    if (verdicts.stock && verdicts.serviceOnly === undefined) counts.valid++;
    if (verdicts.stock) counts.stock++;
    if (verdicts.compiled) counts.compiled++;
    if (verdicts.stock && verdicts.serviceOnly !== undefined) counts.serviceOnly++;
    tally.set(plan.kind, counts);
    mutated.add(`${shape.kind} ${mutation.name.replace(/\.\d+(?=\.|$)/g, '.*')}`);
  }));
  assertProperty(t, await fc.check(property, { seed: SEED, numRuns: MUTATIONS }), 'verifyCredentialProof and the compiled path agree with the stock verifier on every mutated credential', MUTATIONS);
  const total = { valid: 0, stock: 0, compiled: 0, serviceOnly: 0, cases: 0 };
  for (const counts of tally.values()) for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += counts[key];
  t.comment(
    `seed ${SEED}: ${total.cases} mutated credentials (${mutated.size} distinct changes) in ${elapsed(started)}: stock verifier verified ${total.stock}, ` +
      `the compiled path confirmed ${total.compiled} of them, the service's own document checks refused ${total.serviceOnly} of them; rejected ${total.cases - total.stock}`,
  );
  t.comment(`kind valid/stock-verified/compiled/cases: ${[...tally].map(([kind, counts]) => `${kind} ${counts.valid}/${counts.stock}/${counts.compiled}/${counts.cases}`).join(', ')}`);
  t.ok(total.stock > 0 && total.cases - total.stock > 0, 'both verdicts occur');
  t.ok(total.compiled > total.stock / 2, 'the compiled path itself confirmed most of the proofs the stock verifier verified');
});
