import { randomUUID } from 'node:crypto';
import t from 'tap';
import { centreDid } from '../../../src/vc/did-web.js';
import { envelopeCredential } from '../../../src/vc/jose.js';
import { verifyPresentationProof } from '../../../src/vc/presentation.js';
import { BASE_URL, build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { json, startHttpsServer } from '../../support/https-server.js';
import { SIGNING_FORMATS, signPresentationAs, testSigner, type TestSigner } from '../../support/proof-suites.js';
import { localFetcher } from '../../support/status-lists.js';

// VCALM POST /presentations/verify: presentations signed here with each suite over did:key, as wallets sign
// DID-authentication presentations; wrong challenge or domain, tampering of the presentation or of a credential in
// it, holder binding, unsigned presentations refused or allowed by the request's form, malformed requests; did:web
// holders served by a local HTTPS server, whose key must be listed under authentication.

type Json = Record<string, unknown>;
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const VCDM = 'https://www.w3.org/TR/vc-data-model-2.0#';

const server = await startHttpsServer();
t.teardown(() => server.close());
const HOST = `issuer.test%3A${server.port}`; // issuer.test exists only in the test fetcher's resolver
const testApp = await build(t, {}, { fetcher: localFetcher(server) });
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const holder = await testSigner();
const stranger = await testSigner();

async function issued(body: Json): Promise<Json> {
  const response = await issue(app, token, { achievementId, ...body });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().verifiableCredential as Json;
}
const holders = await issued({ recipient: { name: 'Amina El-Sayed', did: holder.did } });
const strangers = await issued({ recipient: { name: 'Omar Farouk', did: stranger.did } });
const nobodys = await issued({ recipient: { name: 'Layla Hassan' } });

const presentationOf = (credentials: unknown[], who: string | undefined = holder.did): Json => ({
  '@context': [VC_V2],
  type: ['VerifiablePresentation'],
  ...(who ? { holder: who } : {}),
  verifiableCredential: credentials,
});
const challenge = randomUUID();
const domain = 'verifier.example';
const signed = (credentials: unknown[], signer: TestSigner = holder, format: (typeof SIGNING_FORMATS)[number] = 'eddsa-rdfc-2022', who?: string) =>
  signPresentationAs(format, presentationOf(credentials, who ?? signer.did), signer, { challenge, domain });
const post = (payload: Json) => app.inject({ method: 'POST', url: '/presentations/verify', payload });
const verifyVp = async (verifiablePresentation: Json, options: Json = { challenge, domain }) => {
  const response = await post({ verifiablePresentation, options });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json();
};

t.test('a presentation signed with each suite over did:key verifies, with every credential in it', async (t) => {
  for (const format of SIGNING_FORMATS) {
    const vp = await signed([holders, nobodys], holder, format);
    const body = await verifyVp(vp);
    t.equal(body.verified, true, `${format}: ${JSON.stringify(body.problemDetails ?? body.results.credentials.map((c: Json) => c.problemDetails))}`);
    t.same(body.results.presentation.challenge, { verified: true, input: challenge });
    t.same(body.results.presentation.domain, { verified: true, input: domain });
    t.same(body.results.presentation.holder, { verified: true, input: holder.did });
    t.same(body.results.presentation.proof, [{ verified: true, input: vp.proof }], `${format}: one result per proof, with that proof as input`);
    t.same(body.results.credentials.map((result: Json) => result.verified), [true, true], `${format}: both credentials`);
    t.equal(body.verifiablePresentation, undefined, 'the presentation only when asked');
  }
  const body = await verifyVp(await signed([holders]), { challenge, domain, returnPresentation: true });
  t.equal(body.verifiablePresentation.holder, holder.did, 'returnPresentation');
  t.match(body.results.credentials[0].results, { proof: [{ verified: true }], credentialStatus: [{ verified: true }] }, 'credential results as /credentials/verify gives them');
});

t.test('the reusable proof check: holder named, or taken from the key', async (t) => {
  const vp = await signed([holders], holder, 'Ed25519Signature2020');
  t.same(await verifyPresentationProof({ presentation: vp, challenge, domain, resolveDid: app.ctx.resolveDid }), { outcome: { outcome: 'valid', format: 'Ed25519Signature2020' }, holder: holder.did });
  const { holder: _holder, ...anonymous } = presentationOf([]);
  const didAuth = await signPresentationAs('eddsa-jcs-2022', anonymous, holder, { challenge });
  t.same(await verifyPresentationProof({ presentation: didAuth, challenge, resolveDid: app.ctx.resolveDid }), { outcome: { outcome: 'valid', format: 'eddsa-jcs-2022' }, holder: holder.did }, 'no holder: the DID whose key signed, no domain asked');
  t.match(await verifyPresentationProof({ presentation: didAuth, challenge, domain, resolveDid: app.ctx.resolveDid }), { outcome: { outcome: 'invalid', reason: /domain null is not "verifier\.example"/ } }, 'a domain asked and not signed');
});

t.test('wrong challenge, wrong domain, another purpose, a key not the holder\'s: the presentation fails', async (t) => {
  const vp = await signed([holders]);
  const cases: [string, Json, Json, RegExp][] = [
    ['another challenge', vp, { challenge: randomUUID(), domain }, /challenge ".*" is not the one requested/],
    ['another domain', vp, { challenge, domain: 'evil.example' }, /domain "verifier\.example" is not "evil\.example"/],
    ['a holder the key does not belong to', await signed([holders], holder, 'eddsa-jcs-2022', stranger.did), { challenge, domain }, /is not one of the holder's/],
    ['an assertion proof instead of authentication', { ...vp, proof: { ...(vp.proof as Json), proofPurpose: 'assertionMethod' } }, { challenge, domain }, /purpose is "assertionMethod", not "authentication"/],
  ];
  for (const [what, presentation, options, reason] of cases) {
    const body = await verifyVp(presentation, options);
    t.equal(body.verified, false, what);
    t.match(body.problemDetails, [{ type: `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`, title: 'proof.invalid', detail: reason }], what);
    t.same(body.results.presentation.proof.map((proof: Json) => proof.verified), [false]);
    t.equal(body.results.presentation.holder.verified, false, `${what}: the holder is not authenticated`);
    t.match(body.results.credentials[0].problemDetails, [{ title: 'holder.not-subject', detail: /proof did not verify/ }], `${what}: so the holder's own credential is not bound`);
  }
});

t.test('tampering: the presentation, or a credential inside a correctly signed presentation', async (t) => {
  for (const format of SIGNING_FORMATS) {
    const vp = await signed([holders], holder, format);
    const changed = { ...vp, id: `urn:uuid:${randomUUID()}` };
    const body = await verifyVp(changed);
    t.equal(body.verified, false, `${format}: a property added to the presentation`);
    t.match(body.problemDetails, [{ detail: 'the signature does not verify' }]);
  }
  const forged = structuredClone(holders);
  (((forged.credentialSubject as Json).identifier as Json[])[0] as Json).identityHash = 'Somebody Else';
  const body = await verifyVp(await signed([forged]));
  t.equal(body.verified, false, 'a changed credential, then presented with a good signature');
  t.same(body.results.presentation.proof.map((proof: Json) => proof.verified), [true], 'the presentation\'s own proof is fine');
  t.equal(body.results.credentials[0].verified, false);
  t.match(body.results.credentials[0].problemDetails, [{ type: `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`, title: 'proof.invalid' }]);
});

t.test('holder binding: a credential about a DID is presented by that DID', async (t) => {
  const body = await verifyVp(await signed([holders, strangers]));
  t.equal(body.verified, false);
  t.same(body.results.credentials.map((result: Json) => result.verified), [true, false], 'the holder\'s own credential binds, the stranger\'s does not');
  t.match(body.results.credentials[1].problemDetails, [{ type: `${BASE_URL}/problems/holder-not-subject`, title: 'holder.not-subject', detail: `The credential is about ${stranger.did}, but ${holder.did} presented it.` }]);
  t.equal((await verifyVp(await signed([strangers], stranger))).verified, true, 'the stranger presenting their own: verified');
});

t.test('an enveloped (vc+jwt) credential in a presentation: verified through the same report, bound by its payload', async (t) => {
  const centreId = (await app.ctx.lookups.issuer('egypt-demo'))!.centre.id;
  const key = await app.ctx.keys.activeAssertionKey({ centreId, did: centreDid(BASE_URL, 'egypt-demo') });
  const { proof: _proof, ...unsecured } = holders;
  const envelope = await envelopeCredential({ credential: unsecured, key });
  const body = await verifyVp(await signed([envelope]));
  t.equal(body.verified, true, JSON.stringify(body.results.credentials));
  const strangerBody = await verifyVp(await signed([envelope], stranger));
  t.match(strangerBody.results.credentials[0].problemDetails, [{ title: 'holder.not-subject' }], 'the payload\'s subject DID is what binds');
});

t.test('unsigned presentations: only when the request sends them as presentation', async (t) => {
  const unsigned = presentationOf([nobodys]);
  const refused = await verifyVp(unsigned);
  t.equal(refused.verified, false, 'sent as verifiablePresentation: refused');
  t.match(refused.problemDetails, [{ title: 'proof.missing' }]);

  const allowed = await post({ presentation: unsigned });
  t.equal(allowed.statusCode, 200, allowed.body);
  t.equal(allowed.json().verified, true, 'sent as presentation (VCALM\'s proofless request): its credentials are verified');
  t.same(allowed.json().results.presentation, {}, 'no proof, challenge or holder result');

  const unbound = (await post({ presentation: presentationOf([holders]) })).json();
  t.equal(unbound.verified, false, 'but a credential about a DID cannot be bound by an unsigned presentation');
  t.match(unbound.results.credentials[0].problemDetails, [{ title: 'holder.not-subject', detail: /unsigned presentation does not show who presents it/ }]);
});

/** A did:web holder's DID document on the test server, its key listed under the given relationships only. */
async function webHolder(path: string, relationships: ('authentication' | 'assertionMethod')[]): Promise<TestSigner> {
  const signer = await testSigner(`did:web:${HOST}:${path}`);
  const document: Json = { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: signer.did, verificationMethod: [signer.method] };
  for (const relationship of relationships) document[relationship] = [signer.method.id];
  server.routes.set(`/${path.replaceAll(':', '/')}/did.json`, json(document));
  return signer;
}

t.test('a did:web holder: resolved as an issuer is, and its key must be listed under authentication', async (t) => {
  const holderOnWeb = await webHolder('wallets:amina', ['authentication']);
  const own = await issued({ recipient: { name: 'Amina El-Sayed', did: holderOnWeb.did } });
  for (const format of SIGNING_FORMATS) {
    const body = await verifyVp(await signed([own, nobodys], holderOnWeb, format));
    t.equal(body.verified, true, `${format}: ${JSON.stringify(body.problemDetails ?? body.results.credentials.map((c: Json) => c.problemDetails))}`);
    t.same(body.results.presentation.holder, { verified: true, input: holderOnWeb.did }, `${format}: the did:web holder is authenticated`);
  }
  t.ok(server.hits('/wallets/amina/did.json') >= 1, 'its DID document was fetched from its host');
  const strangerBody = await verifyVp(await signed([strangers], holderOnWeb));
  t.match(strangerBody.results.credentials[0].problemDetails, [{ title: 'holder.not-subject', detail: `The credential is about ${stranger.did}, but ${holderOnWeb.did} presented it.` }], 'and bound only to its own credentials');

  const cases: [string, TestSigner][] = [
    ['a key listed under assertionMethod only', await webHolder('wallets:asserting', ['assertionMethod'])],
    ['a key listed under no relationship', await webHolder('wallets:unlisted', [])],
  ];
  for (const [what, signer] of cases) {
    for (const format of SIGNING_FORMATS) {
      const body = await verifyVp(await signed([nobodys], signer, format));
      t.equal(body.verified, false, `${what}, ${format}: refused`);
      t.match(body.problemDetails, [{ type: `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`, title: 'proof.invalid', detail: /not authorized .*authentication/i }], `${what}, ${format}: the report says the key is not for authentication`);
      t.same(body.results.presentation.holder, { verified: false, input: signer.did }, `${what}, ${format}: the holder is not authenticated`);
      t.equal(body.results.credentials[0].verified, true, `${what}, ${format}: the credential inside is judged on its own`);
    }
  }
  const outcome = await verifyPresentationProof({ presentation: await signed([], cases[0]![1], 'eddsa-jcs-2022'), challenge, domain, resolveDid: app.ctx.resolveDid });
  t.match(outcome, { outcome: { outcome: 'invalid', format: 'eddsa-jcs-2022' }, holder: cases[0]![1].did }, 'the reusable check agrees');

  const gone = await testSigner(`did:web:${HOST}:wallets:gone`);
  const unresolvable = await verifyVp(await signed([nobodys], gone));
  t.equal(unresolvable.verified, false, 'a did:web holder whose document is not there');
  t.match(unresolvable.problemDetails, [{ title: 'proof.unresolvable', detail: /could not be resolved/ }]);
});

t.test('malformed requests: 400 problems that say what to fix', async (t) => {
  const vp = await signed([holders]);
  const cases: [string, Json, RegExp, string?][] = [
    ['an empty body', {}, /exactly one of verifiablePresentation/],
    ['both forms', { verifiablePresentation: vp, presentation: vp, options: { challenge } }, /exactly one of verifiablePresentation/],
    ['no challenge', { verifiablePresentation: vp }, /options\.challenge is required/, `${VCDM}MALFORMED_VALUE_ERROR`],
    ['an unknown option', { verifiablePresentation: vp, options: { challenge, checks: ['proof'] } }, /Unknown option "checks"/, 'https://www.w3.org/TR/vcalm#UNKNOWN_OPTION_PROVIDED'],
    ['a challenge that is not a string', { verifiablePresentation: vp, options: { challenge: 42 } }, /Option "challenge" must be a string/],
    ['not a presentation', { verifiablePresentation: { ...vp, type: ['VerifiableCredential'] }, options: { challenge } }, /type must include "VerifiablePresentation"/],
    ['a string @context', { presentation: { ...presentationOf([]), '@context': VC_V2 } }, /@context must be an ordered set/],
    ['a credential that is not an object', { presentation: presentationOf(['eyJhbGciOi']) }, /verifiableCredential\[0\] is not a credential/],
    ['a signed presentation sent as presentation', { presentation: vp }, /has a proof: send it as verifiablePresentation/],
    ['a presentation that is not an object', { verifiablePresentation: [vp], options: { challenge } }, /must be a JSON object|expected record/],
    ['a holder that is a number', { presentation: { ...presentationOf([]), holder: 42 } }, /holder must be a URL or an object with an id URL/],
    ['a holder object without an id', { presentation: { ...presentationOf([]), holder: { name: 'Amina El-Sayed' } } }, /holder must be a URL or an object with an id URL/],
    ['a holder whose id is not a string', { verifiablePresentation: { ...vp, holder: { id: 42 } }, options: { challenge } }, /holder must be a URL or an object with an id URL/],
    ['a holder that is a name, not a URL', { presentation: { ...presentationOf([]), holder: 'Amina El-Sayed' } }, /holder must be a URL or an object with an id URL/],
    ['a holder whose id is not a URL', { presentation: { ...presentationOf([]), holder: { id: 'Amina' } } }, /holder must be a URL or an object with an id URL/],
    ['a list of holders', { presentation: { ...presentationOf([]), holder: [holder.did] } }, /holder must be a URL or an object with an id URL/],
  ];
  for (const [what, payload, detail, type] of cases) {
    const response = await post(payload);
    t.equal(response.statusCode, 400, `${what}: ${response.body}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    const problem = response.json() as { detail: string; errors?: { path: string; message: string }[] };
    t.match([problem.detail, ...(problem.errors ?? []).map((error) => `${error.path}: ${error.message}`)].join('\n'), detail, what);
    if (type) t.equal(response.json().type, type, `${what}: the problem type`);
  }
});
