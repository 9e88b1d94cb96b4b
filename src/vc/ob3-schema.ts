/**
 * Open Badges 3.0 `OpenBadgeCredential` (alias `AchievementCredential`) schema.
 *
 * Written by us from the 1EdTech Open Badges Specification v3.0 (Final, VC Data Model 2.0 edition,
 * context 3.0.3), Appendix B "Data Models", with the published JSON Schema
 * (ob_v3p0_achievementcredential_schema.json) as the cross-check. Section names in the comments below
 * ("B.1.2 AchievementCredential", ...) refer to that appendix. Every credential we issue is checked
 * against this schema, signed (those the service builds) or not yet signed (those a VCALM caller sends), so
 * `proof` is optional here.
 *
 * Conventions used throughout:
 * - Classes the spec marks "can be extended with additional properties" are `z.looseObject` (unknown
 *   keys pass through untouched); IdentityObject, Image and IdentifierEntry are not extensible in the
 *   spec and are `z.strictObject`.
 * - `type` properties with multiplicity [1..*] must be a non-empty array containing the named IRI (the
 *   published JSON Schema accepts only the array, although the data model calls them "array-compacted");
 *   `type` properties with multiplicity [1] must be exactly the named IRI. Likewise `proof`,
 *   `credentialSchema` and `termsOfUse` are arrays, as the JSON Schema requires.
 * - docs/ob3-schema-rules.md lists every rule of the published JSON Schema beside the rule here that enforces it.
 * - Refinement messages start with "must ..."; `validateOpenBadgeCredential` prefixes the property
 *   name so every reported message reads as a plain-English sentence.
 *
 * Where we are stricter than the letter of the spec (each is noted again where it is enforced):
 * - the credential's `name` is required (the VC 2.0 edition of B.1.2 makes it [0..1]);
 * - required String properties must not be empty or all whitespace;
 * - Criteria must have an `id` or a `narrative` (the spec's note says implementations provide one);
 * - a DataIntegrityProof must carry what is needed to verify it (VC Data Integrity, OB section 8);
 * - DateTime values need a time zone, as the published JSON Schema's "date-time" format does;
 * - `ext:` extension terms are anchored: "ext:" plus letters, digits, '.', '-' or '_'.
 */
import { z } from 'zod';
import { isUri, isUrl } from '../lib/urls.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from './contexts.js';
import { isRfc3339DateTime } from './date-time.js';

// ---------------------------------------------------------------------------------------------------
// Fixed values from the spec
// ---------------------------------------------------------------------------------------------------

// B.1.2: the first `@context` item MUST be the VC Data Model 2.0 context (VC_V2_CONTEXT), the second the OB 3.0
// context, version 3.0.3 (OB_V3_CONTEXT); both are the bundled contexts' own constants.
/** B.1.21: the JSON Schema a `credentialSchema` entry of an AchievementCredential points at. */
export const OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
/** B.1.21: the JSON Schema a `credentialSchema` entry of an EndorsementCredential points at. */
export const OB_ENDORSEMENT_CREDENTIAL_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json';
/** B.1.21: one CredentialSchema instance MUST use this validator type. */
export const OB_JSON_SCHEMA_VALIDATOR_TYPE = '1EdTechJsonSchemaValidator2019';

/** B.1.28 AchievementType Enumeration (extensible with `ext:` terms). */
export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** B.1.29 AlignmentTargetType Enumeration (extensible with `ext:` terms). */
export const ALIGNMENT_TARGET_TYPES = [
  'ceasn:Competency',
  'ceterms:Credential',
  'CFItem',
  'CFRubric',
  'CFRubricCriterion',
  'CFRubricCriterionLevel',
  'CTDL',
] as const;

/** B.1.30 IdentifierTypeEnum Enumeration (extensible with `ext:` terms). */
export const IDENTIFIER_TYPES = [
  'name',
  'sourcedId',
  'systemId',
  'productId',
  'userName',
  'accountId',
  'emailAddress',
  'nationalIdentityNumber',
  'isbn',
  'issn',
  'lisSourcedId',
  'oneRosterSourcedId',
  'sisSourcedId',
  'ltiContextId',
  'ltiDeploymentId',
  'ltiToolId',
  'ltiPlatformId',
  'ltiUserId',
  'identifier',
] as const;

/** B.1.31 ResultType Enumeration (extensible with `ext:` terms). */
export const RESULT_TYPES = [
  'GradePointAverage',
  'LetterGrade',
  'Percent',
  'PerformanceLevel',
  'PredictedScore',
  'RawScore',
  'Result',
  'RubricCriterion',
  'RubricCriterionLevel',
  'RubricScore',
  'ScaledScore',
  'Status',
] as const;

/** B.1.32 ResultStatusType Enumeration (closed: no extension terms). */
export const RESULT_STATUS_TYPES = [
  'Completed',
  'Enrolled',
  'Failed',
  'InProgress',
  'OnHold',
  'Provisional',
  'Withdrew',
] as const;

// ---------------------------------------------------------------------------------------------------
// Lexical checks for the derived and primitive types (B.7 Derived Types, B.8 Primitive Types)
// ---------------------------------------------------------------------------------------------------

/**
 * Extensible enumerations: "new terms must start with the substring 'ext:'". The published JSON
 * Schema pattern is unanchored and its character class is malformed; we anchor it and allow the
 * letters, digits, '.', '-' and '_' it evidently intends.
 */
const EXTENSION_TERM = /^ext:[A-Za-z0-9._-]+$/;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

/** Date (B.8): an ISO 8601 calendar date, YYYY-MM-DD, that exists. */
export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * DateTimeZ (B.7): a date-time WITH a trailing time-zone designator, e.g. 2024-05-01T09:30:00Z or
 * 2021-09-07T02:09:59+02:00 (RFC 3339, as the published JSON Schema checks it). Field values must be in range;
 * offsets are limited to +/-14:00.
 */
export const isDateTimeZ = isRfc3339DateTime;

/**
 * LanguageCode (B.7): a BCP 47 language tag. Same shape the published JSON Schema accepts: a 2-4
 * letter language, optional script (Latn), optional region (US or 419). "en", "ar", "zh-Hans-CN".
 */
const LANGUAGE_CODE = /^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;

/** CompactJws (B.7): header.payload.signature, each part base64url (the payload may be empty). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/**
 * IdentityHash (B.7): "an algorithm identifier, a $ separator, and a hash"; only md5 and sha256 are
 * supported, in upper- or lower-case hexadecimal, so the digest is 32 or 64 hex digits.
 */
const IDENTITY_HASH = /^(md5\$[0-9A-Fa-f]{32}|sha256\$[0-9A-Fa-f]{64})$/;

/** EmailAddress (B.7): a NormalizedString of the form local@domain. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** CountryCode (B.7): an ISO 3166-1 alpha-2 code, two upper-case letters. */
const COUNTRY_CODE = /^[A-Z]{2}$/;

/** NormalizedString (B.8, XML Schema): no carriage return, line feed or tab. */
const NOT_NORMALIZED = /[\r\n\t]/;

/** VC-DI-EDDSA: eddsa proofValue is multibase base58-btc, i.e. 'z' followed by base58 characters. */
const BASE58BTC_MULTIBASE = /^z[1-9A-HJ-NP-Za-km-z]+$/;

// ---------------------------------------------------------------------------------------------------
// Reusable zod building blocks
// ---------------------------------------------------------------------------------------------------

const hasText = (s: string) => s.trim().length > 0;

/**
 * A required String property. The spec only says "String" with multiplicity [1]; we also reject the
 * empty (or all-whitespace) string, which would satisfy the letter of the rule but display nothing.
 */
const requiredText = z.string().refine(hasText, { error: 'must not be empty' });

const uri = z.string().refine(isUri, {
  error: 'must be an absolute URI, for example https://example.org/x, did:web:example.org or urn:uuid:…',
});

const url = z.string().refine(isUrl, {
  error: 'must be an absolute URL with a host, for example https://example.org/page',
});

const dateTimeZ = z.string().refine(isDateTimeZ, {
  error: 'must be a date-time with a time zone, for example 2024-05-01T09:30:00Z (RFC 3339)',
});

/**
 * DateTime (B.8) is "YYYY-MM-DDThh:mm:ss"; the published JSON Schema validates it with the JSON
 * Schema "date-time" format, which (RFC 3339) requires a time zone. We follow the JSON Schema.
 */
const dateTime = dateTimeZ;

const date = z.string().refine(isDate, { error: 'must be a calendar date in the form YYYY-MM-DD' });

const markdown = z.string();

const normalizedString = z
  .string()
  .refine((s) => !NOT_NORMALIZED.test(s), { error: 'must not contain line breaks or tabs' });

/** IRI (B.7): an internationalized identifier; for `type` values usually a term such as "Profile". */
const iri = z
  .string()
  .refine((s) => s.length > 0 && !/\s/.test(s), { error: 'must be a non-empty IRI without whitespace' });

/** Types with multiplicity [1] ("MUST be the IRI 'X'"): exactly that string. */
function exactType<const T extends string>(value: T) {
  return z.literal(value, { error: `must be the IRI "${value}"` });
}

/**
 * Types with multiplicity [1..*] ("One of the items MUST be the IRI 'X'"): a non-empty array of IRIs containing
 * `required`. The JSON Schema refuses the single string JSON-LD compaction would produce, so we do too.
 */
function typeIncluding(required: string) {
  return z
    .array(iri, { error: `must be an array of IRIs that includes "${required}", for example ["${required}"]` })
    .min(1, { error: `must be a non-empty array of IRIs that includes "${required}"` })
    .refine((v) => v.includes(required), { error: `must include "${required}"` });
}

/** Extensible enumerations: a listed term or an `ext:` term. */
function extensibleEnum(terms: readonly string[], enumName: string) {
  return z.string().refine((v) => terms.includes(v) || EXTENSION_TERM.test(v), {
    error: `must be ${/^[AEIOU]/.test(enumName) ? 'an' : 'a'} ${enumName} term (${terms.join(', ')}) or an extension term of the form "ext:Name"`,
  });
}

/** Properties of multiplicity [0..*] are arrays in the JSON Schema, even of one item (a single object is refused). */
function arrayOf<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: `must be an array of ${what} objects, even for one (the OB 3.0 JSON Schema requires the array)` });
}

// ---------------------------------------------------------------------------------------------------
// Leaf classes
// ---------------------------------------------------------------------------------------------------

/** B.1.13 Image. Not extensible. `id` is a URI or a Data URI. */
export const imageSchema = z.strictObject({
  id: uri,
  type: exactType('Image'),
  caption: z.string().optional(),
});

/** B.1.10 GeoCoordinates: WGS84 latitude and longitude. */
export const geoCoordinatesSchema = z.looseObject({
  type: exactType('GeoCoordinates'),
  latitude: z.number().min(-90, { error: 'must be a latitude between -90 and 90' }).max(90, {
    error: 'must be a latitude between -90 and 90',
  }),
  longitude: z.number().min(-180, { error: 'must be a longitude between -180 and 180' }).max(180, {
    error: 'must be a longitude between -180 and 180',
  }),
});

/** B.1.4 Address. */
export const addressSchema = z.looseObject({
  type: typeIncluding('Address'),
  addressCountry: z.string().optional(),
  addressCountryCode: z
    .string()
    .regex(COUNTRY_CODE, { error: 'must be an ISO 3166-1 alpha-2 country code such as "EG" or "CN"' })
    .optional(),
  addressRegion: z.string().optional(),
  addressLocality: z.string().optional(),
  streetAddress: z.string().optional(),
  postOfficeBoxNumber: z.string().optional(),
  postalCode: z.string().optional(),
  geo: geoCoordinatesSchema.optional(),
});

/** B.1.11 IdentifierEntry. Not extensible. */
export const identifierEntrySchema = z.strictObject({
  type: exactType('IdentifierEntry'),
  identifier: requiredText.pipe(normalizedString),
  identifierType: extensibleEnum(IDENTIFIER_TYPES, 'IdentifierTypeEnum'),
});

/**
 * B.1.12 IdentityObject. Not extensible. When `hashed` is true, `identityHash` must be an
 * IdentityHash ("md5$…" or "sha256$…"); when false it is the plaintext value (which may be any
 * Unicode text, e.g. an Arabic or Chinese name).
 */
export const identityObjectSchema = z
  .strictObject({
    type: exactType('IdentityObject'),
    hashed: z.boolean(),
    identityHash: requiredText,
    identityType: extensibleEnum(IDENTIFIER_TYPES, 'IdentifierTypeEnum'),
    salt: z.string().optional(),
  })
  .superRefine((o, ctx) => {
    if (o.hashed && !IDENTITY_HASH.test(o.identityHash)) {
      ctx.addIssue({
        code: 'custom',
        path: ['identityHash'],
        message:
          'must be an IdentityHash such as "sha256$<64 hex digits>" or "md5$<32 hex digits>" because "hashed" is true',
      });
    }
  });

/** B.1.5 Alignment. `targetUrl` is a URL, not just any URI. */
export const alignmentSchema = z.looseObject({
  type: typeIncluding('Alignment'),
  targetCode: z.string().optional(),
  targetDescription: z.string().optional(),
  targetName: requiredText,
  targetFramework: z.string().optional(),
  targetType: extensibleEnum(ALIGNMENT_TARGET_TYPES, 'AlignmentTargetType').optional(),
  targetUrl: url,
});

/**
 * B.1.6 Criteria. Both properties are individually optional, but the spec's note says implementations
 * provide at least one of them, and a Criteria with neither says nothing; we require one.
 */
export const criteriaSchema = z
  .looseObject({
    id: uri.optional(),
    narrative: markdown.optional(),
  })
  .refine((c) => c.id !== undefined || (c.narrative !== undefined && hasText(c.narrative)), {
    error: 'must have an "id" (URI of a criteria page) or a non-empty "narrative"',
  });

/** B.1.9 Evidence. `id` is a URL of a page or a Data URI. */
export const evidenceSchema = z.looseObject({
  id: uri.optional(),
  type: typeIncluding('Evidence'),
  narrative: markdown.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  genre: z.string().optional(),
  audience: z.string().optional(),
});

/** B.1.15 Related. */
export const relatedSchema = z.looseObject({
  id: uri,
  type: typeIncluding('Related'),
  inLanguage: z.string().regex(LANGUAGE_CODE, { error: 'must be a BCP 47 language code such as "en" or "ar"' }).optional(),
  version: z.string().optional(),
});

/** B.1.18 RubricCriterionLevel. */
export const rubricCriterionLevelSchema = z.looseObject({
  id: uri,
  type: typeIncluding('RubricCriterionLevel'),
  alignment: z.array(alignmentSchema).optional(),
  description: z.string().optional(),
  level: z.string().optional(),
  name: requiredText,
  points: z.string().optional(),
});

/** B.1.17 ResultDescription. */
export const resultDescriptionSchema = z.looseObject({
  id: uri,
  type: typeIncluding('ResultDescription'),
  alignment: z.array(alignmentSchema).optional(),
  allowedValue: z.array(z.string()).optional(),
  name: requiredText,
  requiredLevel: uri.optional(),
  requiredValue: z.string().optional(),
  resultType: extensibleEnum(RESULT_TYPES, 'ResultType'),
  rubricCriterionLevel: z.array(rubricCriterionLevelSchema).optional(),
  valueMax: z.string().optional(),
  valueMin: z.string().optional(),
});

/** B.1.16 Result. `status` is a closed enumeration (B.1.32). */
export const resultSchema = z.looseObject({
  type: typeIncluding('Result'),
  achievedLevel: uri.optional(),
  alignment: z.array(alignmentSchema).optional(),
  resultDescription: uri.optional(),
  status: z
    .enum(RESULT_STATUS_TYPES, { error: `must be one of the ResultStatusType terms: ${RESULT_STATUS_TYPES.join(', ')}` })
    .optional(),
  value: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------------
// Verifiable Credential plumbing (B.1.21 - B.1.26, B.1.27 Context)
// ---------------------------------------------------------------------------------------------------

/**
 * B.1.24 Proof. Only `type` is required by OB, and `proofPurpose`, if present, MUST be
 * "assertionMethod". For a `DataIntegrityProof` (the embedded proof OB section 8 describes) we also
 * require what VC Data Integrity needs to verify it: `cryptosuite`, `proofPurpose`,
 * `verificationMethod` (OB 8 "Dereferencing the Public Key") and `proofValue`; for the eddsa
 * cryptosuites (VC-DI-EDDSA) the proofValue must be base58-btc multibase.
 */
export const proofSchema = z
  .looseObject({
    type: iri,
    created: dateTime.optional(),
    cryptosuite: z.string().optional(),
    challenge: z.string().optional(),
    domain: z.string().optional(),
    nonce: z.string().optional(),
    proofPurpose: z.literal('assertionMethod', { error: 'must be "assertionMethod"' }).optional(),
    proofValue: z.string().optional(),
    verificationMethod: uri.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.type !== 'DataIntegrityProof') return;
    for (const key of ['cryptosuite', 'proofPurpose', 'verificationMethod', 'proofValue'] as const) {
      if (p[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `Missing required property "${key}": a DataIntegrityProof cannot be verified without it`,
        });
      }
    }
    if (p.cryptosuite?.startsWith('eddsa-') && p.proofValue !== undefined && !BASE58BTC_MULTIBASE.test(p.proofValue)) {
      ctx.addIssue({
        code: 'custom',
        path: ['proofValue'],
        message: `must be a base58-btc multibase value starting with "z" for cryptosuite "${p.cryptosuite}"`,
      });
    }
  });

/** B.1.21 CredentialSchema. */
export const credentialSchemaEntrySchema = z.looseObject({
  id: uri,
  type: iri,
});

/**
 * B.1.22 CredentialStatus. The data model made `id` optional in spec document version 1.4 (following VC Data
 * Model 2.0), but the published JSON Schema still requires `id` and `type`, so we do. Multiplicity on the
 * credential is [0..1]: one object, never an array.
 */
export const credentialStatusSchema = z.looseObject(
  {
    id: uri,
    type: iri,
  },
  {
    error: (iss) =>
      Array.isArray(iss.input)
        ? 'must be a single CredentialStatus object: a credential has at most one credentialStatus'
        : undefined,
  },
);

/** B.1.25 RefreshService. */
export const refreshServiceSchema = z.looseObject({
  id: uri,
  type: iri,
});

/** B.1.26 TermsOfUse. */
export const termsOfUseSchema = z.looseObject({
  id: uri.optional(),
  type: iri,
});

/** B.1.27 Context: a URI or a Map (a local context object). */
const contextItem = z.union([uri, z.record(z.string(), z.unknown())], {
  error: 'must be a context URI or a context object',
});

/**
 * `@context` of an AchievementCredential or EndorsementCredential ([2..*]): an ordered array whose
 * first item is the VC 2.0 context and whose second item is the OB 3.0.3 context.
 */
const credentialContext = z
  .array(contextItem, { error: 'must be an array of contexts' })
  .min(2, { error: `must list at least "${VC_V2_CONTEXT}" and "${OB_V3_CONTEXT}"` })
  .superRefine((ctxs, ctx) => {
    if (ctxs[0] !== VC_V2_CONTEXT) {
      ctx.addIssue({ code: 'custom', path: [0], message: `must be "${VC_V2_CONTEXT}" (the first @context item)` });
    }
    if (ctxs[1] !== OB_V3_CONTEXT) {
      ctx.addIssue({ code: 'custom', path: [1], message: `must be "${OB_V3_CONTEXT}" (the second @context item)` });
    }
  });

/** CompactJws strings used by `endorsementJwt`. */
const compactJws = z.string().regex(COMPACT_JWS, { error: 'must be a Compact JWS (header.payload.signature)' });

/**
 * Rules shared by AchievementCredential and EndorsementCredential that span several properties:
 * - VC Data Model 2.0 (Validity Period): validFrom MUST NOT be later than validUntil.
 * - B.1.21: when `credentialSchema` is given, one entry MUST have type 1EdTechJsonSchemaValidator2019
 *   and one MUST have as id the OB JSON Schema for this kind of credential.
 */
function checkCredentialWideRules(
  vc: { validFrom: string; validUntil?: string | undefined; credentialSchema?: unknown },
  ctx: z.RefinementCtx,
  ownSchemaUrl: string,
): void {
  if (vc.validUntil !== undefined && Date.parse(vc.validUntil) < Date.parse(vc.validFrom)) {
    ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be earlier than "validFrom"' });
  }
  if (vc.credentialSchema !== undefined) {
    const entries = vc.credentialSchema as readonly { id?: unknown; type?: unknown }[];
    if (!entries.some((e) => e.type === OB_JSON_SCHEMA_VALIDATOR_TYPE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentialSchema'],
        message: `must include an entry whose type is "${OB_JSON_SCHEMA_VALIDATOR_TYPE}"`,
      });
    }
    if (!entries.some((e) => e.id === ownSchemaUrl)) {
      ctx.addIssue({ code: 'custom', path: ['credentialSchema'], message: `must include an entry whose id is "${ownSchemaUrl}"` });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Profile and EndorsementCredential (mutually recursive: a Profile can carry endorsements, whose
// issuer is a Profile). Getters defer the references until parse time.
// ---------------------------------------------------------------------------------------------------

/** B.1.14 Profile. Issuers, creators and sources are Profiles. */
export const profileSchema = z.looseObject({
  id: uri,
  type: typeIncluding('Profile'),
  name: z.string().optional(),
  url: uri.optional(),
  phone: normalizedString.optional(),
  description: z.string().optional(),
  get endorsement() {
    return z.array(endorsementCredentialSchema).optional();
  },
  endorsementJwt: z.array(compactJws).optional(),
  image: imageSchema.optional(),
  email: z.string().regex(EMAIL_ADDRESS, { error: 'must be an email address such as name@example.org' }).optional(),
  address: addressSchema.optional(),
  otherIdentifier: z.array(identifierEntrySchema).optional(),
  official: z.string().optional(),
  get parentOrg() {
    return profileSchema.optional();
  },
  familyName: z.string().optional(),
  givenName: z.string().optional(),
  additionalName: z.string().optional(),
  patronymicName: z.string().optional(),
  honorificPrefix: z.string().optional(),
  honorificSuffix: z.string().optional(),
  familyNamePrefix: z.string().optional(),
  dateOfBirth: date.optional(),
});

/** B.1.20 ProfileRef: either the URI of the issuer's Profile or an embedded Profile. */
export const profileRefSchema = z.union([uri, profileSchema], {
  error: 'must be the URI of a Profile or a Profile object',
});

/** B.1.8 EndorsementSubject. */
export const endorsementSubjectSchema = z.looseObject({
  id: uri,
  type: typeIncluding('EndorsementSubject'),
  endorsementComment: markdown.optional(),
});

/** Type check for a credential's `type`: an array with VerifiableCredential and one of `kinds`. */
function credentialType(kinds: readonly string[]) {
  return z
    .array(iri, { error: 'must be an array of IRIs' })
    .min(1, { error: 'must be a non-empty array of IRIs' })
    .superRefine((types, ctx) => {
      if (!types.includes('VerifiableCredential')) {
        ctx.addIssue({ code: 'custom', message: 'must include "VerifiableCredential"' });
      }
      if (!kinds.some((k) => types.includes(k))) {
        ctx.addIssue({ code: 'custom', message: `must include ${kinds.map((k) => `"${k}"`).join(' or ')}` });
      }
    });
}

/** Properties every OB 3.0 credential class (AchievementCredential, EndorsementCredential) shares. */
const verifiableCredentialFields = {
    issuer: profileRefSchema,
    validFrom: dateTimeZ,
    validUntil: dateTimeZ.optional(),
    proof: arrayOf(proofSchema, 'Proof').optional(),
    credentialSchema: arrayOf(credentialSchemaEntrySchema, 'CredentialSchema').optional(),
    credentialStatus: credentialStatusSchema.optional(),
    refreshService: refreshServiceSchema.optional(),
    termsOfUse: arrayOf(termsOfUseSchema, 'TermsOfUse').optional(),
    evidence: z.array(evidenceSchema).optional(),
};

/** B.1.7 EndorsementCredential. */
export const endorsementCredentialSchema = z
  .looseObject({
    '@context': credentialContext,
    type: credentialType(['EndorsementCredential']),
    id: uri,
    name: requiredText,
    description: z.string().optional(),
    credentialSubject: endorsementSubjectSchema,
    awardedDate: dateTimeZ.optional(),
    ...verifiableCredentialFields,
  })
  .superRefine((vc, ctx) => checkCredentialWideRules(vc, ctx, OB_ENDORSEMENT_CREDENTIAL_SCHEMA_URL));

// ---------------------------------------------------------------------------------------------------
// Achievement, AchievementSubject and the credential itself
// ---------------------------------------------------------------------------------------------------

/** B.1.1 Achievement: id, type, criteria, description and name are required. */
export const achievementSchema = z.looseObject({
  id: uri,
  type: typeIncluding('Achievement'),
  alignment: z.array(alignmentSchema).optional(),
  achievementType: extensibleEnum(ACHIEVEMENT_TYPES, 'AchievementType').optional(),
  creator: profileSchema.optional(),
  creditsAvailable: z.number().optional(),
  criteria: criteriaSchema,
  description: requiredText,
  endorsement: z.array(endorsementCredentialSchema).optional(),
  endorsementJwt: z.array(compactJws).optional(),
  fieldOfStudy: z.string().optional(),
  humanCode: z.string().optional(),
  image: imageSchema.optional(),
  inLanguage: z
    .string()
    .regex(LANGUAGE_CODE, { error: 'must be a BCP 47 language code such as "en", "ar" or "zh-Hans"' })
    .optional(),
  name: requiredText,
  otherIdentifier: z.array(identifierEntrySchema).optional(),
  related: z.array(relatedSchema).optional(),
  resultDescription: z.array(resultDescriptionSchema).optional(),
  specialization: z.string().optional(),
  tag: z.array(z.string()).optional(),
  version: z.string().optional(),
});

/**
 * B.1.3 AchievementSubject: `achievement` is required, and "either `id` or at least one
 * `identifier` MUST be supplied" (also step 1 of OB section 9, Verification).
 */
export const achievementSubjectSchema = z
  .looseObject({
    id: uri.optional(),
    type: typeIncluding('AchievementSubject'),
    activityEndDate: dateTime.optional(),
    activityStartDate: dateTime.optional(),
    creditsEarned: z.number().optional(),
    achievement: achievementSchema,
    identifier: z.array(identityObjectSchema).optional(),
    image: imageSchema.optional(),
    licenseNumber: z.string().optional(),
    narrative: markdown.optional(),
    result: z.array(resultSchema).optional(),
    role: z.string().optional(),
    source: profileSchema.optional(),
    term: z.string().optional(),
  })
  .refine((s) => s.id !== undefined || (s.identifier?.length ?? 0) > 0, {
    error: 'must have an "id" or at least one entry in "identifier" to identify the recipient',
  });

/**
 * B.1.2 AchievementCredential, which OB 3.0 credentials carry as type "OpenBadgeCredential" (or its
 * alias "AchievementCredential").
 *
 * One deliberate difference from the spec: `name` is [0..1] in the VC 2.0 edition of the data model
 * (it was [1] in the VC 1.1 edition); we require it, because wallets show it as the credential's title
 * and every credential we issue has one.
 */
export const openBadgeCredentialSchema = z
  .looseObject({
    '@context': credentialContext,
    id: uri,
    type: credentialType(['OpenBadgeCredential', 'AchievementCredential']),
    name: requiredText,
    description: z.string().optional(),
    image: imageSchema.optional(),
    awardedDate: dateTimeZ.optional(),
    credentialSubject: achievementSubjectSchema,
    endorsement: z.array(endorsementCredentialSchema).optional(),
    endorsementJwt: z.array(compactJws).optional(),
    ...verifiableCredentialFields,
  })
  .superRefine((vc, ctx) => checkCredentialWideRules(vc, ctx, OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL));

export type OpenBadgeCredential = z.infer<typeof openBadgeCredentialSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type Achievement = z.infer<typeof achievementSchema>;
export type AchievementSubject = z.infer<typeof achievementSubjectSchema>;
export type IdentityObject = z.infer<typeof identityObjectSchema>;
export type Proof = z.infer<typeof proofSchema>;

// ---------------------------------------------------------------------------------------------------
// Validation entry point
// ---------------------------------------------------------------------------------------------------

export interface ValidationError {
  /** Dotted path to the offending value, e.g. "credentialSubject.identifier.0.hashed"; "" is the document. */
  path: string;
  /** Plain-English description of what is wrong. */
  message: string;
}

export type ValidationResult = { valid: true } | { valid: false; errors: ValidationError[] };

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  record: 'a JSON object',
};

function formatPath(path: readonly PathKey[]): string {
  return path.map(String).join('.');
}

/** How a message names the value it is about: the property, an array item, or the whole credential. */
function subject(path: readonly PathKey[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'The credential';
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    return parent === undefined ? `Item ${last}` : `Item ${last} of "${String(parent)}"`;
  }
  return `"${String(last)}"`;
}

/** A required property that is absent fails its schema with an undefined input. */
function isMissing(issue: Issue): boolean {
  return (
    issue.input === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')
  );
}

function describe(issue: Issue, path: readonly PathKey[]): string {
  const last = path[path.length - 1];
  if (isMissing(issue) && last !== undefined) return `Missing required property "${String(last)}"`;
  // Our own schema messages all start with "must ..."; zod's defaults are replaced below.
  if (issue.message.startsWith('must')) return `${subject(path)} ${issue.message}`;
  switch (issue.code) {
    case 'invalid_type':
      return `${subject(path)} must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `${subject(path)} must contain at least ${String(issue.minimum)} item(s)`
        : `${subject(path)} is too small: ${issue.message}`;
    default:
      return `${subject(path)} is invalid: ${issue.message}`;
  }
}

/**
 * Of a union's alternatives, the one the input was evidently meant to be: drop alternatives rejected
 * only because the value has the wrong basic shape, then take the one with the fewest complaints.
 */
function likeliestAlternative(alternatives: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const plausible = alternatives.filter(
    (issues) => !issues.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')),
  );
  if (plausible.length === 0) return undefined;
  return plausible.reduce((best, issues) => (issues.length < best.length ? issues : best));
}

function collect(issues: readonly Issue[], base: readonly PathKey[], out: ValidationError[]): void {
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && !(isMissing(issue) && path.length > 0)) {
      const alternative = likeliestAlternative(issue.errors);
      if (alternative !== undefined) {
        collect(alternative, path, out);
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatPath([...path, key]),
          message: `Property "${key}" is not allowed here: the spec does not let this object be extended`,
        });
      }
      continue;
    }
    out.push({ path: formatPath(path), message: describe(issue, path) });
  }
}

/**
 * Check a document against the OB 3.0 OpenBadgeCredential schema. Never throws: any failure,
 * including an unexpected exception (e.g. a cyclic object), comes back as `{ valid: false }`.
 */
export function validateOpenBadgeCredential(doc: unknown): ValidationResult {
  try {
    const result = openBadgeCredentialSchema.safeParse(doc, { reportInput: true });
    if (result.success) return { valid: true };
    const errors: ValidationError[] = [];
    collect(result.error.issues, [], errors);
    // Duplicates can arise when several union alternatives report the same thing.
    const seen = new Set<string>();
    const unique = errors.filter((e) => {
      const key = `${e.path}\u0000${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { valid: false, errors: unique };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { valid: false, errors: [{ path: '', message: `The credential could not be validated: ${reason}` }] };
  }
}
