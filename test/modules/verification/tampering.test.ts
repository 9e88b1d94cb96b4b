import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outsideContextLoader as contextLoader } from '../../support/outside-contexts.js';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import t, { type Test } from 'tap';
import { build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';

// Tampering: every change to a signed credential, and every forged re-signature, must be caught by
// POST /api/v1/verify and named by the failing check's code; odd shapes get a report, never a 500.

type Json = Record<string, unknown>;
type Check = { check: string; status: string; code: string; message: string; details?: Json };
type Report = { verified: boolean; verdict: string; checks: Check[]; credential: { issuer: { id: string | null; name: string | null } } };

const EGYPT_DID = 'did:web:localhost%3A3000:centres:egypt-demo';
const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

// The attacker's signing tool: stock library, contexts from the npm packages, nothing fetched.

async function forgeSignature(unsigned: Json, verificationMethodId: string, controller: string): Promise<Json> {
  const keyPair = await Ed25519Multikey.generate({ id: verificationMethodId, controller });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: stockCryptosuite });
  return vc.issue({ credential: structuredClone(unsigned), suite, documentLoader: contextLoader });
}

/** One character replaced by another of the same class, so the value keeps its shape. */
function changeOneCharacter(value: string, index = 0): string {
  const character = value[index] as string;
  const replacement = /[0-9]/.test(character) ? String((Number(character) + 1) % 10) : character === 'a' ? 'b' : 'a';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const other = await createCentreWithClient(testApp, { slug: 'pakistan-test' });
const OTHER_DID = 'did:web:localhost%3A3000:centres:pakistan-test';
const otherDidDocument = (await app.inject({ method: 'GET', url: '/centres/pakistan-test/did.json' })).json();
const otherKeyId = otherDidDocument.verificationMethod[0].id as string;

const issued = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Sayed' }, narrative: 'Completed all modules.' });
if (issued.statusCode !== 201) throw new Error(`issuance failed: ${issued.body}`);
const original = issued.json().verifiableCredential as Json;
const unsigned = (() => {
  const { proof: _proof, ...rest } = structuredClone(original);
  return rest;
})();
/** The one proof of a credential this service signed (emitted as a one-element array). */
const proofOf = (credential: Json) => (credential.proof as Json[])[0] as Json;
const tamper = (change: (credential: Json) => void): Json => {
  const copy = structuredClone(original);
  change(copy);
  return copy;
};

async function verify(credential: unknown) {
  return app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } });
}

async function report(t: Test, credential: unknown): Promise<Report> {
  const response = await verify(credential);
  t.equal(response.statusCode, 200, `a report, not an error: ${response.body.slice(0, 300)}`);
  return response.json();
}

const checkOf = (r: Report, name: string) => r.checks.find((check) => check.check === name);

t.test('the untouched credential verifies (the baseline every tampering departs from)', async (t) => {
  const r = await report(t, original);
  t.equal(r.verified, true, JSON.stringify(r.checks));
  t.equal(r.verdict, 'valid');
  t.match(checkOf(r, 'proof'), { status: 'passed', code: 'proof.valid' });
});

t.test('changing one character of a signed value breaks the proof', async (t) => {
  const cases: [string, (credential: Json) => void, (credential: Json) => unknown][] = [
    [
      'recipient name',
      (c) => {
        const identity = ((c.credentialSubject as Json).identifier as Json[])[0] as Json;
        identity.identityHash = changeOneCharacter(identity.identityHash as string);
      },
      (c) => (((c.credentialSubject as Json).identifier as Json[])[0] as Json).identityHash,
    ],
    [
      'achievement name',
      (c) => {
        const achievement = (c.credentialSubject as Json).achievement as Json;
        achievement.name = changeOneCharacter(achievement.name as string, 1);
      },
      (c) => ((c.credentialSubject as Json).achievement as Json).name,
    ],
    [
      'validFrom (still a valid date, in the past)',
      // the last digit of the year, one down (or 2020 -> 2021): still a date, still before now
      (c) => {
        const value = c.validFrom as string;
        const digit = Number(value[3]);
        c.validFrom = `${value.slice(0, 3)}${digit > 0 ? digit - 1 : digit + 1}${value.slice(4)}`;
      },
      (c) => c.validFrom,
    ],
  ];
  for (const [what, change, read] of cases) {
    const tampered = tamper(change);
    t.not(read(tampered), read(original), `${what} really changed`);
    const r = await report(t, tampered);
    t.equal(r.verified, false, what);
    t.equal(r.verdict, 'invalid', what);
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' }, what);
    // without a valid signature nothing the credential claims is judged: its claims are not checked, its form still is
    t.same(
      r.checks.filter((check) => check.check !== 'proof').map((check) => [check.check, check.status, check.code]),
      [
        ['issuer', 'unknown', 'issuer.not-checked'],
        ['authorised', 'unknown', 'course.not-checked'],
        ['status', 'unknown', 'status.not-checked'],
        ['validity', 'unknown', 'validity.not-checked'],
        ['schema', 'passed', 'schema.ob3'],
      ],
      `${what}: only the proof fails, the claims are not checked`,
    );
  }
  const tamperedDate = tamper(cases[2]![1]);
  t.ok(!Number.isNaN(Date.parse(tamperedDate.validFrom as string)), 'the tampered validFrom is still a date');
  t.ok(Date.parse(tamperedDate.validFrom as string) < Date.now(), 'and is in the past, so validity alone passes');
});

t.test('changing the issuer id', async (t) => {
  await t.test('to another existing centre: proof fails (that centre never signed it)', async (t) => {
    const r = await report(t, tamper((c) => ((c.issuer as Json).id = OTHER_DID)));
    t.equal(r.verified, false);
    t.equal(r.verdict, 'invalid');
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.equal(r.credential.issuer.id, OTHER_DID);
  });
  await t.test('to an unknown centre DID on our host: proof fails, the issuer is not checked', async (t) => {
    const unknownDid = 'did:web:localhost%3A3000:centres:atlantis';
    const r = await report(t, tamper((c) => ((c.issuer as Json).id = unknownDid)));
    t.equal(r.verified, false);
    t.equal(r.verdict, 'invalid');
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.match(checkOf(r, 'proof')?.message, /atlantis/);
    t.match(checkOf(r, 'issuer'), { status: 'unknown', code: 'issuer.not-checked' });
  });
  await t.test('to a foreign did:web: proof fails, the issuer is not checked', async (t) => {
    const r = await report(t, tamper((c) => ((c.issuer as Json).id = 'did:web:example.org')));
    t.equal(r.verified, false);
    t.equal(r.verdict, 'invalid');
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.match(checkOf(r, 'issuer'), { status: 'unknown', code: 'issuer.not-checked' });
  });
});

t.test('one character of proof.proofValue', async (t) => {
  const tampered = tamper((c) => {
    const proof = proofOf(c);
    const value = proof.proofValue as string;
    // base58btc alphabet has no 0, O, I or l: swap within it (and keep the leading multibase 'z')
    const at = 10;
    proof.proofValue = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
  });
  t.not(proofOf(tampered).proofValue, proofOf(original).proofValue);
  const r = await report(t, tampered);
  t.equal(r.verified, false);
  t.equal(r.verdict, 'invalid');
  t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
});

t.test('dropping the proof', async (t) => {
  const r = await report(t, unsigned);
  t.equal(r.verified, false);
  t.equal(r.verdict, 'invalid');
  t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.missing' });
  const emptyArray = await report(t, { ...unsigned, proof: [] });
  t.match(checkOf(emptyArray, 'proof'), { status: 'failed', code: 'proof.missing' }, 'an empty proof array is no proof');
  t.equal(emptyArray.verdict, 'invalid');
});

t.test('re-signed with a key that is not the issuer\'s', async (t) => {
  await t.test('verificationMethod: a made-up fragment of our centre\'s DID', async (t) => {
    const forged = await forgeSignature(unsigned, `${EGYPT_DID}#z6MkForgedKeyThatIsNotInTheDidDocument`, EGYPT_DID);
    t.equal((forged.proof as Json).verificationMethod, `${EGYPT_DID}#z6MkForgedKeyThatIsNotInTheDidDocument`);
    t.equal((forged.proof as Json).cryptosuite, 'eddsa-rdfc-2022', 'a well-formed stock proof');
    const r = await report(t, forged);
    t.equal(r.verified, false);
    t.equal(r.verdict, 'invalid');
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
  });
  await t.test('verificationMethod: a generated key with its own did:key-like id under our DID', async (t) => {
    const keyPair = await Ed25519Multikey.generate({ controller: EGYPT_DID });
    const exported = await keyPair.export({ publicKey: true, includeContext: false });
    const id = `${EGYPT_DID}#${exported.publicKeyMultibase as string}`;
    const forged = await forgeSignature(unsigned, id, EGYPT_DID);
    const r = await report(t, forged);
    t.equal(r.verdict, 'invalid');
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
  });
  await t.test('verificationMethod: the other centre\'s real key (which did not make this signature)', async (t) => {
    const forged = await forgeSignature(unsigned, otherKeyId, OTHER_DID);
    t.equal((forged.proof as Json).verificationMethod, otherKeyId);
    const r = await report(t, forged);
    t.equal(r.verified, false);
    t.equal(r.verdict, 'invalid');
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
  });
});

t.test('issuer swapped to the other centre, its key named, original signature kept', async (t) => {
  const swapped = tamper((c) => {
    c.issuer = { ...(c.issuer as Json), id: OTHER_DID, name: 'IIOE pakistan-test centre', url: 'http://localhost:3000/centres/pakistan-test' };
    proofOf(c).verificationMethod = otherKeyId;
  });
  const r = await report(t, swapped);
  t.equal(r.verified, false);
  t.equal(r.verdict, 'invalid');
  t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
  // the claimed issuer exists, but did not sign: its standing says nothing about this document
  t.match(checkOf(r, 'issuer'), { status: 'unknown', code: 'issuer.not-checked' }, 'a real centre named by a forgery is not shown as recognised');
  t.notOk(r.checks.some((check) => check.status === 'passed' && check.check !== 'schema'), 'nothing but the form passes');
});

t.test('a property no context defines, added to credentialSubject', async (t) => {
  const tampered = tamper((c) => ((c.credentialSubject as Json).favouriteColour = 'green'));
  const r = await report(t, tampered);
  t.equal(r.verified, false);
  t.not(r.verdict, 'valid');
  t.equal(r.verdict, 'invalid');
  t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' });
});

t.test('an unknown @context URL is never fetched and never valid', async (t) => {
  let fetched = 0;
  const server = createServer((_request, response) => {
    fetched++;
    response.setHeader('content-type', 'application/ld+json');
    response.end(JSON.stringify({ '@context': { favouriteColour: 'https://example.org/favouriteColour' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/context.json`;

  for (const [what, change] of [
    ['OB context replaced', (c: Json) => ((c['@context'] as string[])[1] = url)],
    ['context appended', (c: Json) => (c['@context'] as string[]).push(url)],
  ] as const) {
    const r = await report(t, tamper(change));
    t.equal(r.verified, false, what);
    t.equal(r.verdict, 'invalid', what);
    t.match(checkOf(r, 'proof'), { status: 'failed', code: 'proof.invalid' }, what);
  }
  const replaced = await report(t, tamper((c) => ((c['@context'] as string[])[1] = url)));
  t.match(checkOf(replaced, 'schema'), { status: 'failed', code: 'schema.invalid' }, 'no longer an OB 3.0 credential');
  t.match(checkOf(replaced, 'proof')?.message, url, 'the message names the unknown context');
  t.notMatch(checkOf(replaced, 'proof')?.message, /CORS|same-origin|inaccessible/, 'and does not blame the network for a refusal by design');
  t.equal(fetched, 0, 'the context URL was never requested');
  t.equal((original['@context'] as string[])[1], OB_CONTEXT);
});

t.test('a credential signed by the other centre, through its own client, verifies with its own issuer', async (t) => {
  const response = await issue(app, other.token, { achievementId, recipient: { name: 'Bilal Khan' } });
  t.equal(response.statusCode, 201, response.body);
  const credential = response.json().verifiableCredential;
  t.equal(credential.issuer.id, OTHER_DID);
  t.match(credential.proof[0].verificationMethod, `${OTHER_DID}#`);
  const r = await report(t, credential);
  t.equal(r.verified, true, JSON.stringify(r.checks));
  t.equal(r.verdict, 'valid');
  t.equal(r.credential.issuer.id, OTHER_DID);
  t.equal(r.credential.issuer.name, 'IIOE pakistan-test centre');
  t.match(checkOf(r, 'issuer'), { status: 'passed', code: 'issuer.recognised' });

  // and its signature cannot be passed off as the Egypt centre's
  const stolen = structuredClone(credential);
  stolen.issuer = original.issuer;
  const stolenReport = await report(t, stolen);
  t.equal(stolenReport.verdict, 'invalid');
  t.match(checkOf(stolenReport, 'proof'), { status: 'failed', code: 'proof.invalid' });
});

t.test('the report never throws on odd shapes', async (t) => {
  const odd: [string, unknown][] = [
    ['type only', { type: 'VerifiableCredential' }],
    [
      'arrays inside',
      {
        '@context': [['https://www.w3.org/ns/credentials/v2'], [OB_CONTEXT]],
        type: [['VerifiableCredential']],
        issuer: [{ id: EGYPT_DID }],
        credentialSubject: [[{ identifier: [[1]] }]],
        validFrom: ['2020-01-01T00:00:00Z'],
        proof: [[{ type: 'DataIntegrityProof' }]],
      },
    ],
    ['proof as a string', { ...structuredClone(original), proof: proofOf(original).proofValue }],
    ['issuer as a number', { ...structuredClone(original), issuer: 42 }],
    ['issuer as null', { ...structuredClone(original), issuer: null }],
    ['credentialSubject as a string', { ...structuredClone(original), credentialSubject: 'Amina' }],
    ['proof with a stock shape but garbage values', { ...structuredClone(original), proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: 42, proofPurpose: [], proofValue: {} } }],
    ['proof of another cryptosuite', { ...structuredClone(original), proof: { ...proofOf(original), cryptosuite: 'ecdsa-rdfc-2019' } }],
    ['@context as a number', { ...structuredClone(original), '@context': 7 }],
  ];
  for (const [what, credential] of odd) {
    const response = await verify(credential);
    t.equal(response.statusCode, 200, `${what}: ${response.body.slice(0, 200)}`);
    const r = response.json() as Report;
    t.equal(r.verified, false, what);
    t.equal(r.verdict, 'invalid', what);
    t.equal(checkOf(r, 'proof')?.status, 'failed', `${what}: proof failed`);
  }

  const notACredential = await verify({ foo: 1 });
  t.equal(notACredential.statusCode, 400);
  t.match(notACredential.headers['content-type'], /^application\/problem\+json/);
  t.match(notACredential.json(), { status: 400, title: 'Bad Request', detail: /not a credential/ });

  for (const payload of [{ verifiableCredential: 'a string' }, { verifiableCredential: [original] }, { verifiableCredential: null }]) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/verify', payload });
    t.equal(response.statusCode, 400, JSON.stringify(payload).slice(0, 60));
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  }
});
