import t from 'tap';
import { allowTime, features, RUNS, signingDifferential } from '../support/fast-path-oracle.js';
import { statusListCredential } from '../support/fast-path-shapes.js';

// Differential oracle (issue 14), Bitstring Status List credentials: the product builder's list credential for
// list sizes from 131,072 to 16,777,216 entries, with none, some and the first and last entries set, dated
// anywhere in the years 1 to 9999. The fast path must handle every one and sign exactly as the stock library does.

allowTime(t, RUNS, 40);

t.test('status list credentials: stock canonical forms and signatures', async (t) => {
  const tally = await signingDifferential(t, statusListCredential, (document) => {
    const { encodedList } = document.credentialSubject as { encodedList: string };
    return [...features(document, []), encodedList.length > 200 ? 'list with many entries set' : 'list with few entries set', `validFrom year ${String(document.validFrom).slice(0, 1)}xxx`];
  });
  if (!tally) return; // the property failed, and its report says where: coverage means nothing then
  t.ok((tally.get('list with many entries set') ?? 0) > 0, 'some lists have many entries set');
  t.ok((tally.get('list with few entries set') ?? 0) > 0, 'some lists have few entries set');
});
