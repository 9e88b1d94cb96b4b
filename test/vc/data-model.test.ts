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
      { id: 'https://issuer.example/image.png', mediaType: 'image/png', digestMultibase: 'uEkrjQf4CMji1ROmEixJsv3qeeDP8Zd0SkClxtCU_GiB0' },
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

t.test('v1 context first', async (t) => {
  const v = expectOnly(t, withProps(minimal(), { '@context': [V1] }), 'vcdm2:contexts', '@context[0]');
  t.match(v?.message, /1\.1/);
  // A typical VC 1.1 credential trips both the context and the v1-property rule.
  const violations = checkCredentialDataModel(withProps(minimal(), { '@context': [V1], issuanceDate: '2020-01-01T00:00:00Z' }));
  expectHas(t, violations, 'vcdm2:contexts', '@context[0]');
  expectHas(t, violations, 'vcdm2:v1-properties', 'issuanceDate');
  t.equal(violations.length, 2);
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
  expectOnly(t, withProps(minimal(), { credentialSubject: { id: 'did:example:1' } }), 'vcdm2:credential-subject', 'credentialSubject');
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
    '@context': [V1],
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
