import t from 'tap';
import { signCredential } from '../../../src/vc/sign.js';
import { build } from '../../helper.js';
import { EGYPT_DID, V1, V2, VCDM } from '../../support/vcalm-fixtures.js';

// VC Data Model 2.0 §2 Conformance: "A conforming verifier implementation ... MUST check that each required property
// satisfies the normative requirements for that property, and MUST produce errors when non-conforming documents are
// detected." Credentials signed with a centre's real key but breaking a MUST the stock library does not check (the
// signature itself is valid) are refused by both verifiers: our report (proof.invalid, "malformed") and VCALM (400).

type Json = Record<string, unknown>;

const testApp = await build(t);
const { app } = testApp;
const centre = (await app.ctx.lookups.issuer('egypt-demo'))!.centre;
const key = await app.ctx.keys.activeAssertionKey({ centreId: centre.id, did: EGYPT_DID });
const sha384 = 'sha384-vxRgTREj3/ZmDabpiTX+Au4UXY8GDhyCSFNw+UQtdtISDyO/znDUY+FTg8rNsGXJ';

const base = (): Json => ({ '@context': [V2], type: ['VerifiableCredential'], issuer: EGYPT_DID, credentialSubject: { id: 'did:example:1' } });

const cases: [string, Json, string][] = [
  ['validUntil earlier than validFrom (§4.9)', { ...base(), validFrom: '2025-06-01T00:00:00Z', validUntil: '2025-01-01T00:00:00Z' }, 'vcdm2:validity-period'],
  ['validFrom without a time zone (§4.9 dateTimeStamp)', { ...base(), validFrom: '2025-06-01T00:00:00' }, 'vcdm2:validity-period'],
  ['relatedResource ids not unique (§5.3)', { ...base(), relatedResource: [{ id: 'https://example.org/a', digestSRI: sha384 }, { id: 'https://example.org/a', digestSRI: sha384 }] }, 'vcdm2:related-resources'],
  ['relatedResource without a digest (§5.3)', { ...base(), relatedResource: [{ id: 'https://example.org/a' }] }, 'vcdm2:related-resources'],
  ['an empty credentialSubject (§4.8)', { ...base(), credentialSubject: [{ id: 'did:example:1' }, { '@context': { x: 'https://x.example/' } }] }, 'vcdm2:credential-subject'],
  ['a VC 1.1 credential whose expirationDate has no time zone (1.1 §4.8)', { '@context': [V1, 'https://w3id.org/security/data-integrity/v2'], type: ['VerifiableCredential'], issuer: EGYPT_DID, issuanceDate: '2020-01-01T00:00:00Z', expirationDate: '2030-01-01T00:00:00', credentialSubject: { id: 'did:example:1' } }, 'vcdm1:expiration'],
];

for (const [what, credential, rule] of cases) {
  t.test(what, async (t) => {
    const signed = await signCredential({ credential, key });
    const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: signed } })).json();
    const proof = report.checks.find((check: Json) => check.check === 'proof');
    t.match(proof, { status: 'failed', code: 'proof.invalid' }, 'the report refuses it');
    t.match(proof.message, /malformed/);
    t.equal(report.verified, false);

    const vcalm = await app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: signed } });
    t.equal(vcalm.statusCode, 400, 'VCALM: malformed input');
    t.equal(vcalm.json().type, `${VCDM}MALFORMED_VALUE_ERROR`);
    t.ok(vcalm.json().errors.some((error: Json) => String(error.message).startsWith(`${rule}:`)), `names ${rule}`);
  });
}

t.test('control: the same shapes without the defect verify', async (t) => {
  for (const credential of [{ ...base(), validFrom: '2025-01-01T00:00:00Z', validUntil: '2035-06-01T00:00:00Z' }, base()]) {
    const signed = await signCredential({ credential, key });
    const vcalm = await app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: signed } });
    t.same(vcalm.json(), { verified: true });
  }
});
