// Tests for our Open Badges 3.0 OpenBadgeCredential schema (src/vc/ob3-schema.ts).
// A valid credential shaped like the ones we issue is built inline; every negative case breaks one
// rule of the OB 3.0 data model (Appendix B) and checks the path the validator reports.
import t, { type Test } from 'tap';
import {
  ACHIEVEMENT_TYPES,
  IDENTIFIER_TYPES,
  OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
  achievementSchema,
  criteriaSchema,
  identityObjectSchema,
  imageSchema,
  isDateTimeZ,
  openBadgeCredentialSchema,
  profileSchema,
  validateOpenBadgeCredential,
  type ValidationError,
} from '../../src/vc/ob3-schema.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../src/vc/contexts.js';
import { isUri } from '../../src/lib/urls.js';

// --------------------------------------------------------------------------------------------------
// Fixtures
// --------------------------------------------------------------------------------------------------

type Doc = Record<string, any>;

/** An unsigned credential exactly as our issuer builds it. */
function unsignedCredential(): Doc {
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: 'https://credentials.iioe.example.org/credentials/5b0f3c4e-8d7a-4a55-9a64-1f1f0c2d9e11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Digital Teaching Foundations',
    description: 'Awarded for completing the Digital Teaching Foundations micro-credential.',
    issuer: {
      id: 'did:web:credentials.iioe.example.org:centres:cairo',
      type: ['Profile'],
      name: 'IIOE National Centre, Cairo',
      url: 'https://cairo.iioe.example.org',
    },
    validFrom: '2024-05-01T09:30:00Z',
    validUntil: '2027-05-01T09:30:00Z',
    credentialSubject: {
      id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      type: ['AchievementSubject'],
      identifier: [
        { type: 'IdentityObject', identityHash: 'Amina El-Sayed', identityType: 'name', hashed: false },
      ],
      narrative: 'Completed all four modules and the capstone project.',
      achievement: {
        id: 'https://credentials.iioe.example.org/achievements/0e6f2b8a-3b7c-4d0e-9f21-7a5c6d8e9f10',
        type: ['Achievement'],
        name: 'Digital Teaching Foundations',
        description: 'Foundations of designing and delivering online courses.',
        criteria: { narrative: 'Complete the four modules and pass the capstone assessment.' },
        achievementType: 'MicroCredential',
        inLanguage: 'en',
        creator: {
          id: 'did:web:credentials.iioe.example.org',
          type: ['Profile'],
          name: 'IIOE',
        },
        alignment: [
          {
            type: ['Alignment'],
            targetName: 'Digital competence of educators',
            targetUrl: 'https://frameworks.example.org/digcompedu/2.1',
            targetFramework: 'DigCompEdu',
            targetType: 'CFItem',
            targetCode: '2.1',
          },
        ],
      },
    },
    evidence: [
      {
        type: ['Evidence'],
        id: 'https://portfolio.example.org/amina/capstone',
        name: 'Capstone project',
        description: 'An online course unit designed and taught by the learner.',
      },
    ],
  };
}

/** The same credential after signing with eddsa-rdfc-2022. */
function signedCredential(): Doc {
  return {
    ...unsignedCredential(),
    proof: [
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        created: '2024-05-01T09:30:05Z',
        verificationMethod:
          'did:web:credentials.iioe.example.org:centres:cairo#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        proofPurpose: 'assertionMethod',
        proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKods5D2UeRyf6ne2ir',
      },
    ],
  };
}

/** A fresh copy of `base` with `change` applied to it. */
function variant(change: (doc: Doc) => void, base: () => Doc = signedCredential): Doc {
  const doc = structuredClone(base());
  change(doc);
  return doc;
}

// --------------------------------------------------------------------------------------------------
// Assertion helpers
// --------------------------------------------------------------------------------------------------

function errorsOf(doc: unknown): ValidationError[] {
  const result = validateOpenBadgeCredential(doc);
  return result.valid ? [] : result.errors;
}

function passes(t: Test, doc: unknown, what: string): void {
  const result = validateOpenBadgeCredential(doc);
  t.same(result, { valid: true }, `${what} is valid`);
}

/** The document must fail, with an error reported at exactly `path` (and matching `message`). */
function failsAt(t: Test, doc: unknown, path: string, message?: RegExp): void {
  const result = validateOpenBadgeCredential(doc);
  t.equal(result.valid, false, `fails validation (expected an error at "${path}")`);
  if (result.valid) return;
  const atPath = result.errors.filter((e) => e.path === path);
  t.ok(atPath.length > 0, `an error is reported at "${path}"; got ${JSON.stringify(result.errors)}`);
  if (message !== undefined) {
    t.ok(
      atPath.some((e) => message.test(e.message)),
      `the message at "${path}" matches ${message}; got ${JSON.stringify(atPath.map((e) => e.message))}`,
    );
  }
  for (const e of result.errors) {
    t.type(e.message, 'string');
    t.ok(e.message.length > 0, 'messages are never empty');
    t.notMatch(e.message, /^Invalid input/, 'zod default messages are replaced by plain English');
  }
}

// --------------------------------------------------------------------------------------------------
// Valid credentials
// --------------------------------------------------------------------------------------------------

t.test('credentials we issue are valid', async (t) => {
  passes(t, unsignedCredential(), 'the unsigned credential (before signing)');
  passes(t, signedCredential(), 'the signed credential');
  t.ok(openBadgeCredentialSchema.safeParse(signedCredential()).success, 'the exported zod schema accepts it too');
});

t.test('Unicode names (Arabic, Chinese) are fine everywhere text is allowed', async (t) => {
  passes(
    t,
    variant((d) => {
      d.name = 'أساسيات التدريس الرقمي';
      d.description = '数字教学基础微证书';
      d.issuer.name = 'المركز الوطني للتعليم المفتوح، القاهرة';
      d.credentialSubject.identifier = [
        { type: 'IdentityObject', identityHash: 'أمينة السيد', identityType: 'name', hashed: false },
        { type: 'IdentityObject', identityHash: '王小明', identityType: 'name', hashed: false },
      ];
      d.credentialSubject.achievement.name = '数字教学基础';
      d.credentialSubject.achievement.description = 'أسس تصميم المقررات الإلكترونية';
      d.credentialSubject.achievement.inLanguage = 'ar';
    }),
    'a credential with Arabic and Chinese text',
  );
});

t.test('optional parts and alternative forms the spec allows', async (t) => {
  passes(t, variant((d) => delete d.credentialSubject.id), 'a subject identified only by an IdentityObject');
  passes(t, variant((d) => delete d.credentialSubject.identifier), 'a subject identified only by id');
  passes(
    t,
    variant((d) => {
      delete d.description;
      delete d.validUntil;
      delete d.evidence;
      delete d.credentialSubject.narrative;
      delete d.credentialSubject.achievement.creator;
      delete d.credentialSubject.achievement.alignment;
      delete d.credentialSubject.achievement.achievementType;
      delete d.credentialSubject.achievement.inLanguage;
    }),
    'a credential without any optional property',
  );
  passes(t, variant((d) => (d.type = ['OpenBadgeCredential', 'VerifiableCredential'])), 'type is an unordered set');
  passes(t, variant((d) => (d.type = ['VerifiableCredential', 'AchievementCredential'])), 'the AchievementCredential alias');
  passes(t, variant((d) => (d.issuer = 'did:web:credentials.iioe.example.org')), 'issuer as a URI (ProfileRef)');
  passes(
    t,
    variant((d) => d['@context'].push('https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', { ex: 'https://example.org/ns#' })),
    'extra contexts after the two required ones',
  );
  passes(t, variant((d) => (d.credentialSubject.achievement.achievementType = 'ext:IIOECourse')), 'an ext: achievementType');
  passes(t, variant((d) => (d.credentialSubject.achievement.criteria = { id: 'https://iioe.example.org/criteria/dtf' })), 'criteria by id only');
  passes(
    t,
    variant((d) => {
      d.credentialSubject.identifier = [
        {
          type: 'IdentityObject',
          identityHash: 'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399',
          identityType: 'emailAddress',
          hashed: true,
          salt: 'Kosher',
        },
      ];
    }),
    'a hashed, salted email IdentityObject',
  );
  passes(t, variant((d) => d.proof.push({ ...d.proof[0], created: '2024-05-02T10:00:00+02:00' })), 'several proofs');
  passes(
    t,
    variant((d) => {
      d.credentialSchema = [{ id: OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' }];
    }),
    'the official credentialSchema entry',
  );
  passes(
    t,
    variant((d) => {
      d.iioeCentreCode = 'EG-CAI';
      d.issuer.iioeRegion = 'MENA';
      d.credentialSubject.achievement.iioeHours = 20;
    }),
    'extension properties on extensible classes',
  );
  passes(
    t,
    variant((d) => {
      d.image = { id: 'https://credentials.iioe.example.org/badges/dtf.png', type: 'Image', caption: 'DTF badge' };
      d.credentialSubject.result = [{ type: ['Result'], status: 'Completed', value: 'A' }];
      d.credentialSubject.achievement.resultDescription = [
        { id: 'urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c', type: ['ResultDescription'], name: 'Grade', resultType: 'LetterGrade' },
      ];
      d.credentialSubject.achievement.tag = ['online teaching', 'التعليم الرقمي'];
    }),
    'image, results and result descriptions',
  );
  passes(t, variant((d) => (d.validUntil = d.validFrom)), 'validUntil equal to validFrom');
});

// --------------------------------------------------------------------------------------------------
// B.1.2 AchievementCredential: top-level properties
// --------------------------------------------------------------------------------------------------

t.test('the credential must be a JSON object', async (t) => {
  for (const doc of [null, undefined, 'a credential', 42, [signedCredential()]]) {
    failsAt(t, doc, '', /must be a JSON object/);
  }
});

t.test('@context', async (t) => {
  failsAt(t, variant((d) => delete d['@context']), '@context', /Missing required property "@context"/);
  failsAt(t, variant((d) => (d['@context'] = VC_V2_CONTEXT)), '@context', /must be an array/);
  failsAt(t, variant((d) => (d['@context'] = [VC_V2_CONTEXT])), '@context', /at least/);
  failsAt(t, variant((d) => d['@context'].reverse()), '@context.0', /credentials\/v2/);
  failsAt(t, variant((d) => d['@context'].reverse()), '@context.1', /context-3\.0\.3\.json/);
  failsAt(
    t,
    variant((d) => (d['@context'][0] = 'https://www.w3.org/2018/credentials/v1')),
    '@context.0',
    /must be "https:\/\/www\.w3\.org\/ns\/credentials\/v2"/,
  );
  failsAt(
    t,
    variant((d) => (d['@context'][1] = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json')),
    '@context.1',
  );
  failsAt(t, variant((d) => d['@context'].push(7)), '@context.2', /context URI or a context object/);
});

t.test('id', async (t) => {
  failsAt(t, variant((d) => delete d.id), 'id', /Missing required property "id"/);
  failsAt(t, variant((d) => (d.id = 'not a uri')), 'id', /must be an absolute URI/);
  failsAt(t, variant((d) => (d.id = 'credentials/123')), 'id', /URI/);
  failsAt(t, variant((d) => (d.id = 'https://')), 'id', /URI/);
  failsAt(t, variant((d) => (d.id = 'https://exa mple.org/c/1')), 'id', /URI/);
  failsAt(t, variant((d) => (d.id = 42)), 'id', /must be a string/);
});

t.test('type', async (t) => {
  failsAt(t, variant((d) => delete d.type), 'type', /Missing required property "type"/);
  failsAt(t, variant((d) => (d.type = ['VerifiableCredential'])), 'type', /OpenBadgeCredential/);
  failsAt(t, variant((d) => (d.type = ['OpenBadgeCredential'])), 'type', /must include "VerifiableCredential"/);
  failsAt(t, variant((d) => (d.type = ['VerifiableCredential', 'EndorsementCredential'])), 'type', /OpenBadgeCredential/);
  failsAt(t, variant((d) => (d.type = 'OpenBadgeCredential')), 'type', /array of IRIs/);
  failsAt(t, variant((d) => (d.type = [])), 'type');
  failsAt(t, variant((d) => (d.type = ['VerifiableCredential', 'OpenBadgeCredential', 3])), 'type.2', /must be a string/);
});

t.test('name and description', async (t) => {
  failsAt(t, variant((d) => delete d.name), 'name', /Missing required property "name"/);
  failsAt(t, variant((d) => (d.name = '')), 'name', /must not be empty/);
  failsAt(t, variant((d) => (d.name = '   ')), 'name', /must not be empty/);
  failsAt(t, variant((d) => (d.name = { en: 'Digital Teaching' })), 'name', /must be a string/);
  failsAt(t, variant((d) => (d.description = ['x'])), 'description', /must be a string/);
});

t.test('issuer (ProfileRef / B.1.14 Profile)', async (t) => {
  failsAt(t, variant((d) => delete d.issuer), 'issuer', /Missing required property "issuer"/);
  failsAt(t, variant((d) => delete d.issuer.id), 'issuer.id', /Missing required property "id"/);
  failsAt(t, variant((d) => (d.issuer.id = 'IIOE Cairo')), 'issuer.id', /URI/);
  failsAt(t, variant((d) => delete d.issuer.type), 'issuer.type', /Missing required property "type"/);
  failsAt(t, variant((d) => (d.issuer.type = ['Organization'])), 'issuer.type', /must include "Profile"/);
  failsAt(t, variant((d) => (d.issuer = 'IIOE Cairo')), 'issuer', /URI/);
  failsAt(t, variant((d) => (d.issuer = 12)), 'issuer', /URI of a Profile or a Profile object/);
  failsAt(t, variant((d) => (d.issuer.url = 'cairo.iioe.example.org')), 'issuer.url', /URI/);
  failsAt(t, variant((d) => (d.issuer.email = 'not-an-email')), 'issuer.email', /email address/);
  failsAt(t, variant((d) => (d.issuer.image = { id: 'https://x.example.org/logo.png' })), 'issuer.image.type');
  failsAt(t, variant((d) => (d.issuer.parentOrg = { id: 'did:web:iioe.example.org' })), 'issuer.parentOrg.type');
  failsAt(t, variant((d) => (d.issuer.address = { type: ['Address'], addressCountryCode: 'Egypt' })), 'issuer.address.addressCountryCode');
  failsAt(t, variant((d) => (d.issuer.dateOfBirth = '1990-13-01')), 'issuer.dateOfBirth', /YYYY-MM-DD/);
  failsAt(t, variant((d) => (d.issuer.endorsementJwt = ['not.a jws'])), 'issuer.endorsementJwt.0', /Compact JWS/);
});

t.test('validFrom / validUntil (DateTimeZ)', async (t) => {
  failsAt(t, variant((d) => delete d.validFrom), 'validFrom', /Missing required property "validFrom"/);
  const badDates = [
    '2024-02-30T09:30:00Z', // no such day
    '2024-05-01T24:00:00Z', // hour out of range
    '2024-05-01T09:30:00', // no time zone
    '2024-05-01', // date only
    '01/05/2024 09:30',
    'yesterday',
    '2024-05-01T09:30:00+25:00',
  ];
  for (const bad of badDates) {
    failsAt(t, variant((d) => (d.validFrom = bad)), 'validFrom', /date-time with a time zone/);
  }
  failsAt(t, variant((d) => (d.validUntil = 'soon')), 'validUntil', /date-time/);
  failsAt(t, variant((d) => (d.validUntil = '2020-01-01T00:00:00Z')), 'validUntil', /must not be earlier than "validFrom"/);
  failsAt(t, variant((d) => (d.awardedDate = '2024-05-01')), 'awardedDate', /date-time/);
  // VC 1.1 property names are not a substitute.
  failsAt(
    t,
    variant((d) => {
      d.issuanceDate = d.validFrom;
      delete d.validFrom;
    }),
    'validFrom',
  );
});

t.test('credentialStatus: at most one object (multiplicity [0..1])', async (t) => {
  const entry = (index: number) => ({
    id: `https://credentials.iioe.example.org/status/1#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: 'https://credentials.iioe.example.org/status/1',
  });
  failsAt(t, variant((d) => (d.credentialStatus = [entry(1), entry(2)])), 'credentialStatus', /at most one credentialStatus/);
  failsAt(t, variant((d) => (d.credentialStatus = [entry(1)])), 'credentialStatus', /single CredentialStatus object/);
  failsAt(t, variant((d) => (d.credentialStatus = { id: 'https://x.example.org/s#1' })), 'credentialStatus.type');
  failsAt(t, variant((d) => (d.credentialStatus = { ...entry(1), id: 'status 1' })), 'credentialStatus.id', /URI/);
});

// Rules of the published OB 3.0 JSON Schema that the data model alone leaves looser (docs/ob3-schema-rules.md):
// the JSON Schema takes arrays where the data model speaks of "array-compacted" values, and requires
// credentialStatus.id.
t.test('arrays where the OB 3.0 JSON Schema requires them', async (t) => {
  failsAt(t, variant((d) => (d.proof = d.proof[0])), 'proof', /array of Proof objects/);
  passes(t, variant((d) => (d.proof = [])), 'an empty proof array (the shape allows it; the verifier reports proof.missing)');
  failsAt(t, variant((d) => (d.credentialSchema = { id: OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' })), 'credentialSchema', /array of CredentialSchema objects/);
  failsAt(t, variant((d) => (d.termsOfUse = { type: 'IIOETermsOfUse' })), 'termsOfUse', /array of TermsOfUse objects/);
  passes(t, variant((d) => (d.termsOfUse = [{ type: 'IIOETermsOfUse' }])), 'termsOfUse as an array');
  const singleStringTypes: [string, (d: Doc) => void][] = [
    ['type', (d) => (d.type = 'OpenBadgeCredential')],
    ['issuer.type', (d) => (d.issuer.type = 'Profile')],
    ['credentialSubject.type', (d) => (d.credentialSubject.type = 'AchievementSubject')],
    ['credentialSubject.achievement.type', (d) => (d.credentialSubject.achievement.type = 'Achievement')],
    ['credentialSubject.achievement.creator.type', (d) => (d.credentialSubject.achievement.creator.type = 'Profile')],
    ['credentialSubject.achievement.alignment.0.type', (d) => (d.credentialSubject.achievement.alignment[0].type = 'Alignment')],
    ['evidence.0.type', (d) => (d.evidence[0].type = 'Evidence')],
  ];
  for (const [path, change] of singleStringTypes) failsAt(t, variant(change), path, /array/);
  failsAt(t, variant((d) => (d.credentialSubject.type = [])), 'credentialSubject.type', /non-empty/);
  failsAt(t, variant((d) => (d.type = [])), 'type', /non-empty/);
  const withoutId = { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '94567', statusListCredential: 'https://credentials.iioe.example.org/status/1' };
  failsAt(t, variant((d) => (d.credentialStatus = withoutId)), 'credentialStatus.id', /Missing required property "id"/);
  passes(t, variant((d) => (d.credentialStatus = { id: 'https://credentials.iioe.example.org/status/1#94567', ...withoutId })), 'a credentialStatus with its id');
});

t.test('other VC properties', async (t) => {
  failsAt(t, variant((d) => (d.image = 'https://x.example.org/badge.png')), 'image', /must be a JSON object/);
  failsAt(t, variant((d) => (d.image = { id: 'https://x.example.org/b.png', type: 'Image', alt: 'badge' })), 'image.alt', /not allowed/);
  failsAt(t, variant((d) => (d.refreshService = { type: '1EdTechCredentialRefresh' })), 'refreshService.id');
  failsAt(t, variant((d) => (d.termsOfUse = [{ id: 'https://x.example.org/tou' }])), 'termsOfUse.0.type');
  failsAt(t, variant((d) => (d.credentialSchema = [{ id: OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, type: 'JsonSchema' }])), 'credentialSchema', /1EdTechJsonSchemaValidator2019/);
  failsAt(
    t,
    variant((d) => (d.credentialSchema = [{ id: 'https://x.example.org/schema.json', type: '1EdTechJsonSchemaValidator2019' }])),
    'credentialSchema',
    /ob_v3p0_achievementcredential_schema\.json/,
  );
  failsAt(t, variant((d) => (d.endorsementJwt = ['abc'])), 'endorsementJwt.0', /Compact JWS/);
  failsAt(
    t,
    variant((d) => {
      d.endorsement = [
        {
          '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
          id: 'urn:uuid:0b3f7e4c-3a5d-4bd5-9e3f-2a1b0c9d8e7f',
          type: ['VerifiableCredential', 'EndorsementCredential'],
          name: 'Endorsement',
          issuer: { id: 'did:web:unesco.example.org', type: ['Profile'] },
          validFrom: '2024-05-01T00:00:00Z',
          credentialSubject: { type: ['EndorsementSubject'] },
        },
      ];
    }),
    'endorsement.0.credentialSubject.id',
  );
});

// --------------------------------------------------------------------------------------------------
// Evidence (B.1.9)
// --------------------------------------------------------------------------------------------------

t.test('evidence', async (t) => {
  failsAt(t, variant((d) => (d.evidence = { type: ['Evidence'], name: 'x' })), 'evidence', /must be an array/);
  failsAt(t, variant((d) => delete d.evidence[0].type), 'evidence.0.type', /Missing required property "type"/);
  failsAt(t, variant((d) => (d.evidence[0].type = ['Artifact'])), 'evidence.0.type', /must include "Evidence"/);
  failsAt(t, variant((d) => (d.evidence[0].id = 'capstone project')), 'evidence.0.id', /URI/);
});

// --------------------------------------------------------------------------------------------------
// B.1.3 AchievementSubject and B.1.12 IdentityObject
// --------------------------------------------------------------------------------------------------

t.test('credentialSubject', async (t) => {
  failsAt(t, variant((d) => delete d.credentialSubject), 'credentialSubject', /Missing required property/);
  failsAt(t, variant((d) => (d.credentialSubject = [d.credentialSubject])), 'credentialSubject', /must be a JSON object/);
  failsAt(t, variant((d) => delete d.credentialSubject.type), 'credentialSubject.type');
  failsAt(t, variant((d) => (d.credentialSubject.type = ['Person'])), 'credentialSubject.type', /AchievementSubject/);
  failsAt(
    t,
    variant((d) => {
      delete d.credentialSubject.id;
      delete d.credentialSubject.identifier;
    }),
    'credentialSubject',
    /"id" or at least one entry in "identifier"/,
  );
  failsAt(
    t,
    variant((d) => {
      delete d.credentialSubject.id;
      d.credentialSubject.identifier = [];
    }),
    'credentialSubject',
    /identifier/,
  );
  failsAt(t, variant((d) => (d.credentialSubject.id = 'Amina El-Sayed')), 'credentialSubject.id', /URI/);
  failsAt(t, variant((d) => delete d.credentialSubject.achievement), 'credentialSubject.achievement', /Missing required property "achievement"/);
  failsAt(t, variant((d) => (d.credentialSubject.activityStartDate = 'May 2024')), 'credentialSubject.activityStartDate');
  failsAt(t, variant((d) => (d.credentialSubject.creditsEarned = '3')), 'credentialSubject.creditsEarned', /must be a number/);
  failsAt(t, variant((d) => (d.credentialSubject.result = [{ type: ['Result'], status: 'Passed' }])), 'credentialSubject.result.0.status', /ResultStatusType/);
});

t.test('IdentityObject', async (t) => {
  const at = 'credentialSubject.identifier.0';
  failsAt(t, variant((d) => delete d.credentialSubject.identifier[0].hashed), `${at}.hashed`, /Missing required property "hashed"/);
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].hashed = 'false')), `${at}.hashed`, /true or false/);
  failsAt(t, variant((d) => delete d.credentialSubject.identifier[0].identityHash), `${at}.identityHash`);
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].identityHash = '')), `${at}.identityHash`, /must not be empty/);
  failsAt(t, variant((d) => delete d.credentialSubject.identifier[0].identityType), `${at}.identityType`);
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].identityType = 'fullName')), `${at}.identityType`, /IdentifierTypeEnum/);
  failsAt(t, variant((d) => delete d.credentialSubject.identifier[0].type), `${at}.type`);
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].type = ['IdentityObject'])), `${at}.type`, /"IdentityObject"/);
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].salt = 42)), `${at}.salt`, /must be a string/);
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].name = 'Amina')), `${at}.name`, /not allowed/);
  // hashed: true requires an IdentityHash, not the plaintext.
  failsAt(t, variant((d) => (d.credentialSubject.identifier[0].hashed = true)), `${at}.identityHash`, /IdentityHash/);
  failsAt(
    t,
    variant((d) => {
      d.credentialSubject.identifier[0].hashed = true;
      d.credentialSubject.identifier[0].identityHash = 'sha1$da39a3ee5e6b4b0d3255bfef95601890afd80709';
    }),
    `${at}.identityHash`,
  );
  failsAt(
    t,
    variant((d) => {
      d.credentialSubject.identifier[0].hashed = true;
      d.credentialSubject.identifier[0].identityHash = 'sha256$abc';
    }),
    `${at}.identityHash`,
  );
  failsAt(
    t,
    variant((d) => d.credentialSubject.identifier.push({ type: 'IdentityObject', identityType: 'emailAddress', hashed: false })),
    'credentialSubject.identifier.1.identityHash',
  );
});

// --------------------------------------------------------------------------------------------------
// B.1.1 Achievement, B.1.6 Criteria, B.1.5 Alignment
// --------------------------------------------------------------------------------------------------

t.test('Achievement', async (t) => {
  const at = 'credentialSubject.achievement';
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.id), `${at}.id`, /Missing required property "id"/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.id = 'dtf-2024')), `${at}.id`, /URI/);
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.type), `${at}.type`);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.type = ['BadgeClass'])), `${at}.type`, /must include "Achievement"/);
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.name), `${at}.name`, /Missing required property "name"/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.name = '')), `${at}.name`);
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.description), `${at}.description`, /Missing required property "description"/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.creditsAvailable = 'three')), `${at}.creditsAvailable`);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.inLanguage = 'english')), `${at}.inLanguage`, /BCP 47/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.inLanguage = 'EN')), `${at}.inLanguage`);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.creator = { id: 'did:web:x.example.org', type: 'Person' })), `${at}.creator.type`);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.tag = 'online')), `${at}.tag`, /must be an array/);
  failsAt(
    t,
    variant((d) => (d.credentialSubject.achievement.resultDescription = [{ id: 'urn:uuid:1', type: ['ResultDescription'], name: 'Grade', resultType: 'Grade' }])),
    `${at}.resultDescription.0.resultType`,
    /ResultType/,
  );
  failsAt(
    t,
    variant((d) => (d.credentialSubject.achievement.related = [{ id: 'https://x.example.org/a/1', type: ['Related'], inLanguage: 'Arabic' }])),
    `${at}.related.0.inLanguage`,
  );
  failsAt(
    t,
    variant((d) => (d.credentialSubject.achievement.otherIdentifier = [{ type: 'IdentifierEntry', identifier: 'DTF-1' }])),
    `${at}.otherIdentifier.0.identifierType`,
  );
});

t.test('achievementType (B.1.28, extensible with ext:)', async (t) => {
  const at = 'credentialSubject.achievement.achievementType';
  for (const bad of ['Foo', 'microcredential', 'Micro Credential', 'ext:', 'ext:has space', 'x-ext:Course', '']) {
    failsAt(t, variant((d) => (d.credentialSubject.achievement.achievementType = bad)), at, /AchievementType term/);
  }
  failsAt(t, variant((d) => (d.credentialSubject.achievement.achievementType = ['MicroCredential'])), at, /must be a string/);
  for (const good of ACHIEVEMENT_TYPES) {
    t.ok(achievementSchema.shape.achievementType.safeParse(good).success, `${good} is accepted`);
  }
});

t.test('criteria (B.1.6)', async (t) => {
  const at = 'credentialSubject.achievement.criteria';
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.criteria), at, /Missing required property "criteria"/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.criteria = {})), at, /"id" .* or a non-empty "narrative"/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.criteria = { narrative: ' ' })), at, /narrative/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.criteria = 'Complete all modules')), at, /must be a JSON object/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.criteria = { id: 'criteria page' })), `${at}.id`, /URI/);
  t.ok(criteriaSchema.safeParse({ id: 'https://x.example.org/c', narrative: 'n' }).success, 'both id and narrative are fine');
});

t.test('alignment (B.1.5)', async (t) => {
  const at = 'credentialSubject.achievement.alignment.0';
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.alignment[0].targetName), `${at}.targetName`);
  failsAt(t, variant((d) => delete d.credentialSubject.achievement.alignment[0].targetUrl), `${at}.targetUrl`);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.alignment[0].targetUrl = 'urn:uuid:1234')), `${at}.targetUrl`, /URL/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.alignment[0].targetType = 'Skill')), `${at}.targetType`, /AlignmentTargetType/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.alignment[0].type = ['Framework'])), `${at}.type`, /Alignment/);
  failsAt(t, variant((d) => (d.credentialSubject.achievement.alignment = d.credentialSubject.achievement.alignment[0])), 'credentialSubject.achievement.alignment', /array/);
});

// --------------------------------------------------------------------------------------------------
// B.1.24 Proof
// --------------------------------------------------------------------------------------------------

t.test('proof', async (t) => {
  failsAt(t, variant((d) => delete d.proof[0].type), 'proof.0.type', /Missing required property "type"/);
  failsAt(t, variant((d) => (d.proof[0].proofPurpose = 'authentication')), 'proof.0.proofPurpose', /assertionMethod/);
  failsAt(t, variant((d) => (d.proof[0].created = '2024-05-01 09:30')), 'proof.0.created');
  failsAt(t, variant((d) => (d.proof[0].verificationMethod = 'key 1')), 'proof.0.verificationMethod', /URI/);
  for (const key of ['cryptosuite', 'proofPurpose', 'verificationMethod', 'proofValue']) {
    failsAt(t, variant((d) => delete d.proof[0][key]), `proof.0.${key}`, /DataIntegrityProof/);
  }
  failsAt(t, variant((d) => (d.proof[0].proofValue = 'uAAAA')), 'proof.0.proofValue', /base58-btc/);
  failsAt(t, variant((d) => d.proof.push({ type: 'DataIntegrityProof' })), 'proof.1.cryptosuite');
  failsAt(t, variant((d) => (d.proof = 'z3FXQ')), 'proof', /array of Proof objects/);
});

// --------------------------------------------------------------------------------------------------
// Error reporting
// --------------------------------------------------------------------------------------------------

t.test('several problems are reported together, each with its own path', async (t) => {
  const errors = errorsOf(
    variant((d) => {
      delete d.name;
      d.id = 'nope';
      d.credentialSubject.achievement.achievementType = 'Bogus';
      d.issuer.id = 'also nope';
    }),
  );
  const paths = errors.map((e) => e.path).sort();
  t.same(paths, ['credentialSubject.achievement.achievementType', 'id', 'issuer.id', 'name']);
});

t.test('validateOpenBadgeCredential never throws', async (t) => {
  const cyclic = signedCredential();
  cyclic.issuer.parentOrg = cyclic.issuer;
  t.doesNotThrow(() => validateOpenBadgeCredential(cyclic), 'cyclic input');

  const hostile = signedCredential();
  Object.defineProperty(hostile, 'name', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  let result: ReturnType<typeof validateOpenBadgeCredential> | undefined;
  t.doesNotThrow(() => (result = validateOpenBadgeCredential(hostile)), 'a property getter that throws');
  t.equal(result?.valid, false);
  if (result && !result.valid) t.match(result.errors[0]?.message, /could not be validated/);

  for (const odd of [Symbol('x'), () => 1, new Date(), new Map(), BigInt(1)]) {
    t.doesNotThrow(() => validateOpenBadgeCredential(odd));
    t.equal(validateOpenBadgeCredential(odd).valid, false);
  }
});

// --------------------------------------------------------------------------------------------------
// Exported helpers and sub-schemas
// --------------------------------------------------------------------------------------------------

t.test('exported helpers and sub-schemas', async (t) => {
  t.ok(isUri('did:web:credentials.iioe.example.org'));
  t.ok(isUri('urn:uuid:5b0f3c4e-8d7a-4a55-9a64-1f1f0c2d9e11'));
  t.ok(isUri('data:image/png;base64,iVBORw0KGgo='));
  t.notOk(isUri('https://bad host.example.org'));
  t.notOk(isUri('mailto:'));
  t.notOk(isUri('100%zz'));
  t.ok(isDateTimeZ('2024-02-29T23:59:59.123+05:30'), 'leap day, fractional seconds, offset');
  t.notOk(isDateTimeZ('2023-02-29T00:00:00Z'), 'no 29 February in 2023');
  t.notOk(isDateTimeZ('2024-05-01t09:30:00z'), 'lower-case designators');
  t.ok(identityObjectSchema.safeParse({ type: 'IdentityObject', identityHash: 'x', identityType: 'ext:iioeLearnerId', hashed: false }).success);
  t.equal(IDENTIFIER_TYPES.length, 19, 'all IdentifierTypeEnum terms are listed');
  t.ok(imageSchema.safeParse({ id: 'data:image/svg+xml;base64,PHN2Zz4=', type: 'Image' }).success, 'data URI images');
  t.notOk(profileSchema.safeParse({ id: 'did:web:x', type: ['Profile'], phone: '123\n456' }).success, 'phone is a NormalizedString');
});
