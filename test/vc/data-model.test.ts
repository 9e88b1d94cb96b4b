import t, { type Test } from 'tap';
import { checkCredentialDataModel, knownContextCheck, type DataModelViolation } from '../../src/vc/data-model.js';

const V2 = 'https://www.w3.org/ns/credentials/v2';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

type Json = Record<string, unknown>;

// A minimal unsigned VC DM 2.0 credential (the spec's "Getting Started" shape plus issuer).
function minimal(): Json {
  return {
    '@context': [V2],
    type: ['VerifiableCredential'],
    issuer: 'did:web:issuer.example',
    credentialSubject: { name: 'Jane Doe' },
  };
}

// An Open Badges 3.0 style credential using every optional property the checker looks at.
function full(): Json {
  return {
    '@context': [V2, OB, { favoriteFood: 'https://example.com/vocab#favoriteFood' }],
    id: 'urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b986873',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: [
      { '@value': 'Basic Barista', '@language': 'en' },
      { '@value': 'مثال', '@language': 'ar', '@direction': 'rtl' },
    ],
    description: 'Awarded for completing the barista course.',
    issuer: {
      id: 'https://issuer.example/profile',
      type: ['Profile'],
      name: { '@value': 'Example Centre', '@language': 'en-GB' },
      description: 'A national centre.',
    },
    validFrom: '2025-01-01T08:00:00+08:00',
    validUntil: '2030-01-01T00:00:00.5Z',
    credentialSubject: [
      { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21', type: ['AchievementSubject'], achievement: { id: 'urn:uuid:1', type: ['Achievement'], name: 'Barista' } },
      { favoriteFood: 'Papaya' },
    ],
    credentialStatus: {
      id: 'https://issuer.example/status/3#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: 'https://issuer.example/status/3',
    },
    credentialSchema: [{ id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json', type: '1EdTechJsonSchemaValidator2019' }],
    evidence: [{ id: 'https://videos.example/alice.mp4', type: ['Evidence'], name: 'Video' }],
    termsOfUse: { type: 'IssuerPolicy', id: 'https://issuer.example/policies/1' },
    refreshService: { type: 'VerifiableCredentialRefreshService2021', url: 'https://issuer.example/refresh' },
    relatedResource: [
      { id: V2, digestSRI: 'sha384-vxRgTREj3/ZmDabpiTX+Au4UXY8GDhyCSFNw+UQtdtISDyO/znDUY+FTg8rNsGXJ' },
      { id: 'https://issuer.example/image.png', mediaType: 'image/png', digestMultibase: 'uEiCl3z_eeyAMP6J5EUTH4FxcK87Uxq2GPTpM92yXLBcS-Q' },
    ],
    renderMethod: { type: 'SvgRenderingTemplate', id: 'https://issuer.example/render.svg' },
  };
}

function withProps(base: Json, props: Json): Json {
  return { ...base, ...props };
}

function without(base: Json, ...keys: string[]): Json {
  const copy = { ...base };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Asserts exactly one violation, with the given rule and path, and a non-empty message. */
function expectOnly(t: Test, credential: unknown, rule: string, path: string, options?: { allowProof?: boolean }): DataModelViolation | undefined {
  const violations = checkCredentialDataModel(credential, options);
  t.equal(violations.length, 1, 'exactly one violation', { found: violations });
  const [v] = violations;
  t.equal(v?.rule, rule);
  t.equal(v?.path, path);
  t.ok(v && v.message.length > 10, 'message explains the fix');
  return v;
}

/** Asserts the violations include one with this rule and path. */
function expectHas(t: Test, violations: DataModelViolation[], rule: string, path: string): void {
  t.ok(violations.some((v) => v.rule === rule && v.path === path), `has ${rule} at "${path}"`, { found: violations });
}

t.test('valid credentials', async (t) => {
  t.same(checkCredentialDataModel(minimal()), []);
  t.same(checkCredentialDataModel(full()), []);
  t.same(checkCredentialDataModel(withProps(minimal(), { type: 'VerifiableCredential' })), []);
  t.same(checkCredentialDataModel(withProps(minimal(), { validFrom: '2025-01-01T00:00:00Z', validUntil: '2025-01-01T00:00:00Z' })), [], 'equal bounds are allowed');
  t.same(checkCredentialDataModel(withProps(minimal(), { validFrom: '2024-02-29T24:00:00-14:00' })), [], 'leap day, 24:00 and -14:00');
  t.same(checkCredentialDataModel(withProps(minimal(), { proof: { type: 'DataIntegrityProof' } }), { allowProof: true }), []);
});

t.test('vcdm2:json-object', async (t) => {
  for (const value of [null, undefined, 'a string', 42, [minimal()]]) {
    expectOnly(t, value, 'vcdm2:json-object', '');
  }
  const throwing = new Proxy(minimal(), { get: () => { throw new Error('boom'); } });
  t.doesNotThrow(() => checkCredentialDataModel(throwing));
});

t.test('vcdm2:contexts', async (t) => {
  expectOnly(t, without(minimal(), '@context'), 'vcdm2:contexts', '@context');
  expectOnly(t, withProps(minimal(), { '@context': [] }), 'vcdm2:contexts', '@context');
  expectOnly(t, withProps(minimal(), { '@context': { '@vocab': 'https://x.example/' } }), 'vcdm2:contexts', '@context');
  expectOnly(t, withProps(minimal(), { '@context': [OB, V2] }), 'vcdm2:contexts', '@context[0]');
  expectOnly(t, withProps(minimal(), { '@context': OB }), 'vcdm2:contexts', '@context');
  // §4.3 "an ordered set": a one-item string is not accepted, even the v2 context alone (JSON-LD would compact
  // to it, the VC 2.0 JSON serialisation does not); the message says how to write it
  expectOnly(t, withProps(minimal(), { '@context': V2 }), 'vcdm2:contexts', '@context');
  t.match(checkCredentialDataModel(withProps(minimal(), { '@context': V2 }))[0]?.message, `["${V2}"]`);
  expectOnly(t, withProps(minimal(), { '@context': [V2, 'not a url'] }), 'vcdm2:contexts', '@context[1]');
  expectOnly(t, withProps(minimal(), { '@context': [V2, null] }), 'vcdm2:contexts', '@context[1]');
  expectOnly(t, withProps(minimal(), { '@context': [V2, { '@context': {} }] }), 'vcdm2:contexts', '@context[1]');
  expectOnly(t, withProps(minimal(), { '@context': [V2, V1] }), 'vcdm2:contexts', '@context[1]');
});

// VC Data Model 1.1 (Recommendation 2022-03-03): a credential whose first @context is the 1.1 base context is judged
// by the 1.1 rules, as written in its sections 4.1-4.9 and 5.4-5.8.
function minimalV1(): Json {
  return {
    '@context': [V1],
    type: ['VerifiableCredential'],
    issuer: 'did:web:issuer.example',
    issuanceDate: '2010-01-01T19:23:24Z',
    credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21' },
  };
}

t.test('VC Data Model 1.1', async (t) => {
  t.same(checkCredentialDataModel(minimalV1()), [], 'the 1.1 shape with an issuanceDate');
  t.same(checkCredentialDataModel(withProps(minimalV1(), {
    '@context': [V1, 'https://w3id.org/security/data-integrity/v2', { degree: 'https://example.org/degree' }],
    id: 'http://example.edu/credentials/1872',
    expirationDate: '2030-01-01T00:00:00Z',
    credentialStatus: { id: 'https://example.edu/status/24', type: 'CredentialStatusList2017' },
    credentialSchema: { id: 'https://example.org/examples/degree.json', type: 'JsonSchemaValidator2018' },
    refreshService: { id: 'https://example.edu/refresh/3732', type: 'ManualRefreshService2018' },
    termsOfUse: [{ type: 'IssuerPolicy', id: 'http://example.com/policies/credential/4' }],
    evidence: [{ id: 'https://example.edu/evidence/f2aeec97', type: ['DocumentVerification'] }],
  })), [], 'every optional 1.1 property in its 1.1 form');
  t.same(checkCredentialDataModel(withProps(minimalV1(), { proof: { type: 'Ed25519Signature2020' } }), { allowProof: true }), []);

  // §4.6: issuanceDate is required and an RFC 3339 date-time
  expectOnly(t, without(minimalV1(), 'issuanceDate'), 'vcdm1:issuance-date', 'issuanceDate');
  expectOnly(t, withProps(minimalV1(), { issuanceDate: '2010-01-01' }), 'vcdm1:issuance-date', 'issuanceDate');
  expectOnly(t, withProps(minimalV1(), { issuanceDate: '2010-01-01T19:23:24' }), 'vcdm1:issuance-date', 'issuanceDate');
  expectOnly(t, withProps(minimalV1(), { issuanceDate: ['2010-01-01T19:23:24Z'] }), 'vcdm1:issuance-date', 'issuanceDate');
  // §4.8: expirationDate, when present, too
  expectOnly(t, withProps(minimalV1(), { expirationDate: 'next year' }), 'vcdm1:expiration', 'expirationDate');
  // 2.0 properties the 1.1 context does not define
  expectOnly(t, withProps(minimalV1(), { validFrom: '2010-01-01T19:23:24Z' }), 'vcdm1:v2-properties', 'validFrom');
  // §4.1 contexts: 1.1 first, never with the 2.0 base context
  expectOnly(t, withProps(minimalV1(), { '@context': [V1, V2] }), 'vcdm1:contexts', '@context[1]');
  expectOnly(t, withProps(minimalV1(), { '@context': V1 }), 'vcdm1:contexts', '@context');
  t.notMatch(checkCredentialDataModel(withProps(minimalV1(), { '@context': V1 }))[0]?.message, /with "https:\/\/www.w3.org\/ns\/credentials\/v2" first/,
    'a one-string 1.1 context is told to become ["…/2018/credentials/v1"], not to put the 2.0 context first');
  // §4.3 types, §4.4 subject, §4.5 issuer, §4.2 identifiers
  expectOnly(t, withProps(minimalV1(), { type: ['UniversityDegreeCredential'] }), 'vcdm1:types', 'type');
  expectOnly(t, withProps(minimalV1(), { credentialSubject: {} }), 'vcdm1:credential-subject', 'credentialSubject');
  expectOnly(t, withProps(minimalV1(), { issuer: 'Example University' }), 'vcdm1:issuer', 'issuer');
  expectOnly(t, withProps(minimalV1(), { id: 'credential 1' }), 'vcdm1:identifiers', 'id');
  // §4.9 status and §5.6 refresh need an id in 1.1 (not in 2.0); §5.4 schema an id and a type
  expectOnly(t, withProps(minimalV1(), { credentialStatus: { type: 'CredentialStatusList2017' } }), 'vcdm1:status', 'credentialStatus.id');
  expectOnly(t, withProps(minimalV1(), { refreshService: { type: 'ManualRefreshService2018' } }), 'vcdm1:refresh', 'refreshService.id');
  expectOnly(t, withProps(minimalV1(), { credentialSchema: { id: 'https://example.org/s.json' } }), 'vcdm1:data-schemas', 'credentialSchema.type');
  expectOnly(t, withProps(minimalV1(), { termsOfUse: { id: 'https://example.org/t' } }), 'vcdm1:terms-of-use', 'termsOfUse.type');
  expectOnly(t, withProps(minimalV1(), { evidence: { id: 'https://example.org/e' } }), 'vcdm1:evidence', 'evidence.type');
  expectOnly(t, withProps(minimalV1(), { proof: { type: 'Ed25519Signature2020' } }), 'vcdm1:proof-on-unsigned', 'proof');
  // the same credential under the 2.0 context is told to use validFrom
  expectHas(t, checkCredentialDataModel(withProps(minimalV1(), { '@context': [V2] })), 'vcdm2:v1-properties', 'issuanceDate');
});

t.test('vcdm2:compacted-form', async (t) => {
  const violations = checkCredentialDataModel(withProps(without(minimal(), 'type'), { '@type': ['VerifiableCredential'] }));
  expectHas(t, violations, 'vcdm2:compacted-form', '@type');
  expectHas(t, violations, 'vcdm2:types', 'type');
  expectOnly(t, withProps(minimal(), { '@id': 'urn:uuid:1' }), 'vcdm2:compacted-form', '@id');
  expectOnly(t, withProps(minimal(), { 'https://www.w3.org/2018/credentials#validFrom': '2025-01-01T00:00:00Z' }),
    'vcdm2:compacted-form', 'https://www.w3.org/2018/credentials#validFrom');
});

t.test('vcdm2:types', async (t) => {
  expectOnly(t, without(minimal(), 'type'), 'vcdm2:types', 'type');
  const v = expectOnly(t, withProps(minimal(), { type: 'OpenBadgeCredential' }), 'vcdm2:types', 'type');
  t.match(v?.message, /VerifiableCredential/);
  expectOnly(t, withProps(minimal(), { type: ['OpenBadgeCredential', 'AchievementCredential'] }), 'vcdm2:types', 'type');
  expectOnly(t, withProps(minimal(), { type: [] }), 'vcdm2:types', 'type');
  expectOnly(t, withProps(minimal(), { type: ['VerifiableCredential', ''] }), 'vcdm2:types', 'type');
  expectOnly(t, withProps(minimal(), { type: ['VerifiableCredential', 7] }), 'vcdm2:types', 'type');
  expectOnly(t, withProps(minimal(), { type: ['VerifiableCredential', 'Open Badge'] }), 'vcdm2:types', 'type');
});

t.test('vcdm2:identifiers', async (t) => {
  expectOnly(t, withProps(minimal(), { id: 'credential-1' }), 'vcdm2:identifiers', 'id');
  expectOnly(t, withProps(minimal(), { id: ['urn:uuid:1', 'urn:uuid:2'] }), 'vcdm2:identifiers', 'id');
  expectOnly(t, withProps(minimal(), { id: 12 }), 'vcdm2:identifiers', 'id');
  expectOnly(t, withProps(minimal(), { id: 'https://exa mple.org/1' }), 'vcdm2:identifiers', 'id');
  expectOnly(t, withProps(minimal(), { credentialSubject: { id: 'jane', name: 'Jane' } }), 'vcdm2:identifiers', 'credentialSubject.id');
  expectOnly(t, withProps(minimal(), { credentialSubject: [{ name: 'A' }, { id: ['did:ex:1'], name: 'B' }] }),
    'vcdm2:identifiers', 'credentialSubject[1].id');
  expectOnly(t, withProps(minimal(), { credentialStatus: { id: 'status 1', type: 'BitstringStatusListEntry' } }),
    'vcdm2:identifiers', 'credentialStatus.id');
  expectOnly(t, withProps(minimal(), { evidence: [{ id: '#e1', type: 'Evidence' }] }), 'vcdm2:identifiers', 'evidence[0].id');
  for (const id of ['did:example:123', 'urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b986873', 'https://a.example/x#y']) {
    t.same(checkCredentialDataModel(withProps(minimal(), { id })), [], `${id} is a URL`);
  }
});

t.test('vcdm2:issuer', async (t) => {
  expectOnly(t, without(minimal(), 'issuer'), 'vcdm2:issuer', 'issuer');
  expectOnly(t, withProps(minimal(), { issuer: 'Example University' }), 'vcdm2:issuer', 'issuer');
  expectOnly(t, withProps(minimal(), { issuer: { name: 'x' } }), 'vcdm2:issuer', 'issuer.id');
  expectOnly(t, withProps(minimal(), { issuer: { id: 'example-university' } }), 'vcdm2:issuer', 'issuer.id');
  expectOnly(t, withProps(minimal(), { issuer: ['did:ex:1', 'did:ex:2'] }), 'vcdm2:issuer', 'issuer');
  expectOnly(t, withProps(minimal(), { issuer: 5 }), 'vcdm2:issuer', 'issuer');
});

t.test('vcdm2:credential-subject', async (t) => {
  expectOnly(t, without(minimal(), 'credentialSubject'), 'vcdm2:credential-subject', 'credentialSubject');
  expectOnly(t, withProps(minimal(), { credentialSubject: {} }), 'vcdm2:credential-subject', 'credentialSubject');
  expectOnly(t, withProps(minimal(), { credentialSubject: [] }), 'vcdm2:credential-subject', 'credentialSubject');
  // §4.8: an object that only identifies its subject is the subject of the credential's claim
  t.same(checkCredentialDataModel(withProps(minimal(), { credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21' } })), []);
  t.same(checkCredentialDataModel(withProps(minimal(), { credentialSubject: [{ id: 'did:example:1' }, { id: 'https://subject.example/2' }] })), []);
  expectOnly(t, withProps(minimal(), { credentialSubject: { id: 'subject one' } }), 'vcdm2:identifiers', 'credentialSubject.id');
  expectOnly(t, withProps(minimal(), { credentialSubject: { '@context': { x: 'https://x.example/' } } }), 'vcdm2:credential-subject', 'credentialSubject');
  expectOnly(t, withProps(minimal(), { credentialSubject: { name: null, achievements: [] } }), 'vcdm2:credential-subject', 'credentialSubject');
  expectOnly(t, withProps(minimal(), { credentialSubject: [{ name: 'A' }, {}] }), 'vcdm2:credential-subject', 'credentialSubject[1]');
  expectOnly(t, withProps(minimal(), { credentialSubject: 'did:example:1' }), 'vcdm2:credential-subject', 'credentialSubject');
});

t.test('vcdm2:validity-period', async (t) => {
  const before = expectOnly(t, withProps(minimal(), { validFrom: '2025-06-01T00:00:00Z', validUntil: '2025-05-31T23:59:59Z' }),
    'vcdm2:validity-period', 'validUntil');
  t.match(before?.message, /earlier than validFrom/);
  // Offsets and fractions are compared as instants, not as strings.
  expectOnly(t, withProps(minimal(), { validFrom: '2025-01-01T10:00:00+02:00', validUntil: '2025-01-01T09:00:00+02:00' }),
    'vcdm2:validity-period', 'validUntil');
  expectOnly(t, withProps(minimal(), { validFrom: '2025-01-01T00:00:00.25Z', validUntil: '2025-01-01T00:00:00.2Z' }),
    'vcdm2:validity-period', 'validUntil');
  t.same(checkCredentialDataModel(withProps(minimal(), { validFrom: '2025-01-01T10:00:00+02:00', validUntil: '2025-01-01T08:30:00Z' })), [],
    '08:00Z is before 08:30Z');
  t.same(checkCredentialDataModel(withProps(minimal(), { validFrom: '2025-01-01T00:00:00.20Z', validUntil: '2025-01-01T00:00:00.2Z' })), []);

  const noZone = expectOnly(t, withProps(minimal(), { validFrom: '2025-01-01T00:00:00' }), 'vcdm2:validity-period', 'validFrom');
  t.match(noZone?.message, /timezone/);
  expectOnly(t, withProps(minimal(), { validUntil: '2025-01-01' }), 'vcdm2:validity-period', 'validUntil');
  expectOnly(t, withProps(minimal(), { validFrom: '2025-02-30T00:00:00Z' }), 'vcdm2:validity-period', 'validFrom');
  expectOnly(t, withProps(minimal(), { validFrom: '2023-02-29T00:00:00Z' }), 'vcdm2:validity-period', 'validFrom');
  expectOnly(t, withProps(minimal(), { validFrom: '2025-01-01t00:00:00z' }), 'vcdm2:validity-period', 'validFrom');
  expectOnly(t, withProps(minimal(), { validFrom: '2025-01-01T00:00:00+15:00' }), 'vcdm2:validity-period', 'validFrom');
  expectOnly(t, withProps(minimal(), { validFrom: 1735689600 }), 'vcdm2:validity-period', 'validFrom');
  expectOnly(t, withProps(minimal(), { validFrom: ['2025-01-01T00:00:00Z'] }), 'vcdm2:validity-period', 'validFrom');
});

t.test('vcdm2:v1-properties', async (t) => {
  const issued = expectOnly(t, withProps(minimal(), { issuanceDate: '2025-01-01T00:00:00Z' }), 'vcdm2:v1-properties', 'issuanceDate');
  t.match(issued?.message, /validFrom/);
  const expires = expectOnly(t, withProps(minimal(), { expirationDate: '2030-01-01T00:00:00Z' }), 'vcdm2:v1-properties', 'expirationDate');
  t.match(expires?.message, /validUntil/);
});

t.test('vcdm2:status', async (t) => {
  expectOnly(t, withProps(minimal(), { credentialStatus: { id: 'https://s.example/1#2', statusPurpose: 'revocation' } }),
    'vcdm2:status', 'credentialStatus.type');
  expectOnly(t, withProps(minimal(), { credentialStatus: [{ type: 'BitstringStatusListEntry' }, {}] }), 'vcdm2:status', 'credentialStatus[1].type');
  expectOnly(t, withProps(minimal(), { credentialStatus: 'https://s.example/1' }), 'vcdm2:status', 'credentialStatus');
  expectOnly(t, withProps(minimal(), { credentialStatus: [] }), 'vcdm2:status', 'credentialStatus');
  expectOnly(t, withProps(minimal(), { credentialStatus: { type: [] } }), 'vcdm2:status', 'credentialStatus.type');
});

t.test('vcdm2:data-schemas', async (t) => {
  expectOnly(t, withProps(minimal(), { credentialSchema: { id: 'https://schema.example/1.json' } }), 'vcdm2:data-schemas', 'credentialSchema.type');
  expectOnly(t, withProps(minimal(), { credentialSchema: { type: 'JsonSchema' } }), 'vcdm2:data-schemas', 'credentialSchema.id');
  expectOnly(t, withProps(minimal(), { credentialSchema: [{ id: 'schema.json', type: 'JsonSchema' }] }), 'vcdm2:data-schemas', 'credentialSchema[0].id');
});

t.test('vcdm2:evidence', async (t) => {
  expectOnly(t, withProps(minimal(), { evidence: { id: 'https://e.example/1', name: 'Video' } }), 'vcdm2:evidence', 'evidence.type');
  expectOnly(t, withProps(minimal(), { evidence: ['https://e.example/1'] }), 'vcdm2:evidence', 'evidence[0]');
});

t.test('vcdm2:terms-of-use', async (t) => {
  expectOnly(t, withProps(minimal(), { termsOfUse: { id: 'https://t.example/1' } }), 'vcdm2:terms-of-use', 'termsOfUse.type');
  expectOnly(t, withProps(minimal(), { termsOfUse: { type: 'IssuerPolicy', id: 'policy 1' } }), 'vcdm2:identifiers', 'termsOfUse.id');
});

t.test('vcdm2:refresh', async (t) => {
  expectOnly(t, withProps(minimal(), { refreshService: { url: 'https://r.example/' } }), 'vcdm2:refresh', 'refreshService.type');
  expectOnly(t, withProps(minimal(), { refreshService: [] }), 'vcdm2:refresh', 'refreshService');
});

t.test('vcdm2:related-resources', async (t) => {
  const digest = 'sha384-vxRgTREj3/ZmDabpiTX+Au4UXY8GDhyCSFNw+UQtdtISDyO/znDUY+FTg8rNsGXJ';
  expectOnly(t, withProps(minimal(), { relatedResource: [{ digestSRI: digest }] }), 'vcdm2:related-resources', 'relatedResource[0].id');
  expectOnly(t, withProps(minimal(), { relatedResource: [{ id: V2 }] }), 'vcdm2:related-resources', 'relatedResource[0]');
  expectOnly(t, withProps(minimal(), { relatedResource: [{ id: V2, digestSRI: digest }, { id: V2, digestSRI: digest }] }),
    'vcdm2:related-resources', 'relatedResource[1].id');
  expectOnly(t, withProps(minimal(), { relatedResource: [V2] }), 'vcdm2:related-resources', 'relatedResource[0]');
  expectOnly(t, withProps(minimal(), { relatedResource: { id: V2, digestSRI: 'md5:abc' } }), 'vcdm2:related-resources', 'relatedResource.digestSRI');
  expectOnly(t, withProps(minimal(), { relatedResource: { id: V2, digestSRI: digest, mediaType: 'json' } }), 'vcdm2:related-resources', 'relatedResource.mediaType');
  // SRI: the digest must have its algorithm's length, in canonical base64
  expectOnly(t, withProps(minimal(), { relatedResource: { id: V2, digestSRI: 'sha256-vxRgTREj3/ZmDabpiTX+Au4UXY8GDhyCSFNw+UQtdtISDyO/znDUY+FTg8rNsGXJ' } }),
    'vcdm2:related-resources', 'relatedResource.digestSRI');
  t.same(checkCredentialDataModel(withProps(minimal(), { relatedResource: { id: V2, digestSRI: [digest, 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='] } })), [],
    'one or more SRI digests');
  // digestMultibase: multibase ("u" base64url, "z" base58btc) of a multihash (sha2-256 = 0x12, 32 bytes)
  const sha256OfEmpty = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');
  const multihash = Buffer.concat([Buffer.from([0x12, 32]), sha256OfEmpty]);
  t.same(checkCredentialDataModel(withProps(minimal(), { relatedResource: { id: V2, digestMultibase: `u${multihash.toString('base64url')}` } })), []);
  for (const [what, value] of [
    ['no multibase prefix', multihash.toString('base64url')],
    ['base64 with padding', `u${multihash.toString('base64')}`],
    ['an unknown hash function', `u${Buffer.concat([Buffer.from([0x99, 32]), sha256OfEmpty]).toString('base64url')}`],
    ['a truncated digest', `u${multihash.subarray(0, 20).toString('base64url')}`],
    ['not base58btc', 'z0OIl'],
  ] as const) {
    expectOnly(t, withProps(minimal(), { relatedResource: { id: V2, digestMultibase: value } }), 'vcdm2:related-resources', 'relatedResource.digestMultibase');
    t.pass(what);
  }
  expectOnly(t, withProps(minimal(), { relatedResource: { id: V2, digestMultibase: [] } }), 'vcdm2:related-resources', 'relatedResource.digestMultibase');
});

t.test('vcdm2:reserved-extension-points', async (t) => {
  expectOnly(t, withProps(minimal(), { renderMethod: { id: 'https://r.example/t.svg' } }), 'vcdm2:reserved-extension-points', 'renderMethod.type');
  expectOnly(t, withProps(minimal(), { confidenceMethod: [{ type: 'X' }, 'y'] }), 'vcdm2:reserved-extension-points', 'confidenceMethod[1]');
});

t.test('vcdm2:names-and-descriptions', async (t) => {
  expectOnly(t, withProps(minimal(), { name: 42 }), 'vcdm2:names-and-descriptions', 'name');
  expectOnly(t, withProps(minimal(), { name: { '@language': 'en' } }), 'vcdm2:names-and-descriptions', 'name');
  expectOnly(t, withProps(minimal(), { name: { '@value': 'Degree', '@language': 'en', extra: 'x' } }), 'vcdm2:names-and-descriptions', 'name.extra');
  expectOnly(t, withProps(minimal(), { description: [{ '@value': 'D', '@language': 'en_US' }] }), 'vcdm2:names-and-descriptions', 'description[0].@language');
  expectOnly(t, withProps(minimal(), { description: { '@value': 'D', '@direction': 'up' } }), 'vcdm2:names-and-descriptions', 'description.@direction');
  expectOnly(t, withProps(minimal(), { description: [] }), 'vcdm2:names-and-descriptions', 'description');
  expectOnly(t, withProps(minimal(), { issuer: { id: 'did:ex:1', name: { '@value': 'Uni', '@type': 'xsd:string' } } }),
    'vcdm2:names-and-descriptions', 'issuer.name.@type');
});

t.test('vcdm2:proof-on-unsigned', async (t) => {
  const proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z58DAdFfa9' };
  expectOnly(t, withProps(minimal(), { proof }), 'vcdm2:proof-on-unsigned', 'proof');
  expectOnly(t, withProps(minimal(), { proof }), 'vcdm2:proof-on-unsigned', 'proof', { allowProof: false });
  t.same(checkCredentialDataModel(withProps(minimal(), { proof }), { allowProof: true }), []);
});

t.test('reports every violation at once', async (t) => {
  const violations = checkCredentialDataModel({
    '@context': [OB, V2],
    type: 'OpenBadgeCredential',
    issuer: { name: 'x' },
    credentialSubject: {},
    issuanceDate: '2025-01-01T00:00:00Z',
  });
  t.same(violations.map((v) => `${v.rule} ${v.path}`).sort(), [
    'vcdm2:contexts @context[0]',
    'vcdm2:credential-subject credentialSubject',
    'vcdm2:issuer issuer.id',
    'vcdm2:types type',
    'vcdm2:v1-properties issuanceDate',
  ]);
});

t.test('knownContextCheck', async (t) => {
  const bundled = new Set([V2, OB]);
  const isKnown = (url: string) => bundled.has(url);
  t.same(knownContextCheck([V2, OB], isKnown), []);
  t.same(knownContextCheck(V2, isKnown), []);
  t.same(knownContextCheck([V2, 'https://evil.example/ctx', { a: 'https://x.example/a' }, 'https://evil.example/ctx'], isKnown),
    ['https://evil.example/ctx'], 'unknown URLs once, inline term IRIs ignored');
  // Inline contexts can still make the loader fetch via @import or a scoped context.
  t.same(knownContextCheck([V2, { '@import': 'https://import.example/c', Thing: { '@id': 'https://x.example/T', '@context': ['https://scoped.example/c', V2] } }], isKnown),
    ['https://import.example/c', 'https://scoped.example/c']);
  t.same(knownContextCheck(undefined, isKnown), []);
  t.same(knownContextCheck([V2, null, 3], isKnown), []);
  t.same(knownContextCheck(['https://a.example'], () => { throw new Error('loader down'); }), ['https://a.example'], 'a throwing lookup counts as unknown');
});
