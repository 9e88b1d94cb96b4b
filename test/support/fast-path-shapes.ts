import fc from 'fast-check';
import { type Config, loadConfig } from '../../src/config.js';
import { LANGUAGES, type Language, type LocalizedText } from '../../src/lib/i18n.js';
import type { CourseVersion } from '../../src/modules/achievements/service.js';
import type { AuthorisationRow } from '../../src/modules/authorisations/repository.js';
import { centreIssuerProfile } from '../../src/modules/centres/service.js';
import type { CentreRow } from '../../src/modules/centres/repository.js';
import { buildOpenBadgeCredential, credentialUrl, xsdDateTime } from '../../src/modules/credentials/document.js';
import type { IssueCredentialInput } from '../../src/modules/credentials/schemas.js';
import { registryCredential } from '../../src/modules/registry/service.js';
import { statusListUrl } from '../../src/modules/status/service.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../src/vc/contexts.js';
import { centreDid, platformDid } from '../../src/vc/did-web.js';
import { ACHIEVEMENT_TYPES } from '../../src/vc/ob3-schema.js';
import { registryContext, registryContextUrl } from '../../src/vc/registry-context.js';
import { buildStatusListCredential, statusListEntry } from '../../src/vc/status-list.js';

// fast-check arbitraries for the proof fast path's differential tests (issue 14): every document shape the service
// signs, built by the service's own builders from randomised inputs, with texts and IRIs chosen to stress
// canonicalisation (scripts, combining marks, astral characters, bidi controls, escapes, lone surrogates, size).

type Json = Record<string, unknown>;

const codePoint = (min: number, max: number) => fc.integer({ min, max }).map((point) => String.fromCodePoint(point));

/** One "character" of a hostile text: a code point, a lone UTF-16 surrogate, or a multi-code-point cluster. */
const character = fc.oneof(
  { weight: 6, arbitrary: codePoint(0x20, 0x7e) },
  { weight: 3, arbitrary: codePoint(0x0600, 0x06ff) }, // Arabic
  { weight: 3, arbitrary: codePoint(0x4e00, 0x9fff) }, // CJK
  { weight: 2, arbitrary: codePoint(0x0300, 0x036f) }, // combining marks
  { weight: 2, arbitrary: codePoint(0x1f300, 0x1faff) }, // emoji
  { weight: 1, arbitrary: codePoint(0x10000, 0x10ffff) }, // any astral code point
  // bidi marks, embeddings, overrides and isolates; joiners; BOM
  { weight: 2, arbitrary: fc.constantFrom('\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200c', '\u200d', '\ufeff') },
  // what N-Quads escapes, and what it does not
  { weight: 2, arbitrary: fc.constantFrom('"', "'", '\\', '`', '\\n', '\\u0041', '\n', '\r', '\t', '\b', '\f', '\u2028', '\u2029', '\u0085', '\u00a0', '<', '>', '_:b0', '@id', '^^') },
  { weight: 1, arbitrary: fc.oneof(codePoint(0x00, 0x1f), codePoint(0x7f, 0x9f)) }, // control characters
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)) }, // lone surrogates
  { weight: 1, arbitrary: fc.constantFrom('👩🏽‍🏫', '🏳️‍🌈', '🇪🇬', '🇨🇳', 'e\u0301', 'ﷺ', 'لا', '𠜎', '𝔸', '\u{E0041}', '\uFFFD', '\uFFFF') },
);

const NAMES = ['أمينة السيد', 'محمد عبد الرحمن', '李伟', '王芳', 'Nguyễn Thị Minh Khai', 'Zoë Ó Súilleabháin', 'José María', 'Amina El-Sayed', 'Ἀλέξανδρος', 'Đặng'];

/** A text of the kind a person, a centre or a course gives: short, long, or very long; sometimes empty. */
export const text = fc.oneof(
  { weight: 8, arbitrary: fc.array(character, { minLength: 1, maxLength: 40 }).map((chars) => chars.join('')) },
  { weight: 2, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...NAMES), fc.array(character, { maxLength: 6 })).map(([name, extra]) => `${name}${extra.join('')}`) },
  { weight: 1, arbitrary: fc.array(character, { minLength: 200, maxLength: 2_000 }).map((chars) => chars.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.array(character, { minLength: 1, maxLength: 8 }), fc.integer({ min: 500, max: 3_000 })).map(([chars, times]) => chars.join('').repeat(times)) },
  { weight: 1, arbitrary: fc.constant('') },
);
/** A text that is never empty (the builders drop empty optional texts, or a schema requires one). */
export const nonEmptyText = text.filter((value) => value.length > 0);

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/);
const slug = fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}$/);
const host = fc.oneof(
  fc.constantFrom('localhost', 'credentials.iioe.org', 'iioe.example', '127.0.0.1', 'xn--mgbh0fb.xn--kgbechtv', 'xn--fiqs8s.xn--0zwm56d'),
  fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => `${labels.join('.')}.org`),
);
const port = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });

/** PUBLIC_BASE_URL: an http(s) origin, with or without a port. */
export const origin = fc.tuple(fc.constantFrom('http', 'https'), host, port).map(([scheme, name, number]) => `${scheme}://${name}${number ? `:${number}` : ''}`);

/**
 * A few origins, fixed per run, for the documents whose contexts depend on the origin (the registry's own context):
 * the fast path compiles a context once per context document, so an origin per case would measure only that.
 */
const contextOrigins = fc.sample(origin, { seed: 14, numRuns: 12 });
const ownContextsByOrigin = new Map<string, ReadonlyMap<string, object>>();

/** The service's own contexts under `publicBaseUrl` (the registry's), one map per origin as the service keeps one. */
export function ownContextsOf(publicBaseUrl: string): ReadonlyMap<string, object> {
  let contexts = ownContextsByOrigin.get(publicBaseUrl);
  if (!contexts) ownContextsByOrigin.set(publicBaseUrl, (contexts = new Map([[registryContextUrl(publicBaseUrl), registryContext(publicBaseUrl)]])));
  return contexts;
}

// IRI characters: unreserved, sub-delims, ':' '@', percent-escapes and (for IRIs) non-ASCII letters.
const iriCharacter = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~') },
  { weight: 2, arbitrary: fc.constantFrom(...`!$&'()*+,;=:@`) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`) },
  { weight: 1, arbitrary: fc.oneof(codePoint(0x0600, 0x06ff), codePoint(0x4e00, 0x9fff), codePoint(0x1f300, 0x1faff), codePoint(0xe9, 0xff)) },
);
const segment = fc.array(iriCharacter, { maxLength: 12 }).map((chars) => chars.join(''));
const path = fc.array(segment, { maxLength: 4 }).map((segments) => segments.map((part) => `/${part}`).join(''));
const query = fc.option(fc.array(iriCharacter, { maxLength: 12 }).map((chars) => `?${chars.join('').replaceAll('#', '')}`), { nil: '' });
const fragment = fc.option(fc.array(iriCharacter, { maxLength: 8 }).map((chars) => `#${chars.join('')}`), { nil: '' });

/** An http(s) URL: an origin and an IRI path, query and fragment. */
export const webUrl = fc.tuple(origin, path, query, fragment).map((parts) => parts.join(''));

const base58 = fc.array(fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'), { minLength: 44, maxLength: 46 }).map((chars) => chars.join(''));
const didKey = base58.map((key) => `did:key:z6Mk${key}`);
const didWeb = fc.tuple(origin, fc.array(slug, { maxLength: 3 })).map(([url, parts]) => [`did:web:${new URL(url).host.replace(':', '%3A')}`, ...parts].join(':'));
/** A learner's DID: did:key or did:web. */
export const did = fc.oneof(didKey, didWeb);

/** An absolute IRI of one of several schemes. */
export const iri = fc.oneof(
  { weight: 4, arbitrary: webUrl },
  { weight: 2, arbitrary: did },
  { weight: 1, arbitrary: fc.uuid().map((uuid) => `urn:uuid:${uuid}`) },
  { weight: 1, arbitrary: fc.tuple(label, host).map(([user, name]) => `mailto:${user}@${name}`) },
  { weight: 1, arbitrary: fc.tuple(host, segment).map(([name, rest]) => `tag:${name},2026:${rest}`) },
  { weight: 1, arbitrary: fc.tuple(host, path).map(([name, rest]) => `ftp://${name}${rest}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^urn:[a-z0-9]{1,8}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]{1,30}$/) },
);

/** An instant PostgreSQL and xsd:dateTime can hold (years 1 to 9999), in whole seconds or with milliseconds. */
export const instant = fc
  .tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.boolean())
  .map(([date, whole]) => (whole ? new Date(Math.floor(date.getTime() / 1000) * 1000) : date));

const language = fc.constantFrom<Language>(...LANGUAGES);

/** A text in a non-empty subset of the languages (a course, or a centre's name). */
const localized = (value: fc.Arbitrary<string>): fc.Arbitrary<LocalizedText> =>
  fc.subarray([...LANGUAGES], { minLength: 1 }).chain((languages) => fc.tuple(...languages.map(() => value)).map((texts) => Object.fromEntries(languages.map((code, index) => [code, texts[index]]))));

const baseConfig = loadConfig({});

/** The configuration that reaches signed documents: the public origin and the platform's name and URL. */
export const config: fc.Arbitrary<Config> = fc
  .record({ publicBaseUrl: origin, name: nonEmptyText, url: fc.oneof(webUrl, iri) })
  .map(({ publicBaseUrl, name, url }) => ({ ...baseConfig, publicBaseUrl, platform: { name, url } }));

/** A centre row as the database holds it. */
export const centre: fc.Arbitrary<CentreRow> = fc.record({
  id: fc.uuid(),
  slug,
  name: localized(nonEmptyText),
  defaultLanguage: language,
  countryCode: fc.oneof(fc.stringMatching(/^[A-Z]{2}$/), text),
  websiteUrl: fc.option(fc.oneof(webUrl, iri), { nil: null }),
  hostInstitution: fc.option(text, { nil: null }),
  contactEmail: fc.constant(null),
  status: fc.constantFrom<'active' | 'suspended'>('active', 'suspended'),
  isDemo: fc.boolean(),
  vcalmSecuring: fc.constantFrom<'data-integrity' | 'vc-jwt'>('data-integrity', 'vc-jwt'),
  createdAt: fc.constant(new Date('2026-01-01T00:00:00Z')),
});

const alignment = fc.record(
  { targetName: nonEmptyText, targetUrl: fc.oneof(webUrl, iri, text), targetCode: nonEmptyText, targetFramework: nonEmptyText },
  { requiredKeys: ['targetName', 'targetUrl'] },
);

/**
 * One version of a course. Its three texts usually share their languages, as the course schema requires, and
 * sometimes do not (versions published before that rule), which sends achievementDocument to its fallbacks.
 */
export const course: fc.Arbitrary<CourseVersion> = fc
  .record({
    id: fc.uuid(),
    version: fc.integer({ min: 1, max: 999_999_999 }),
    languages: fc.subarray([...LANGUAGES], { minLength: 1 }),
    shareLanguages: fc.boolean(),
    achievementType: fc.oneof(fc.constantFrom(...ACHIEVEMENT_TYPES), fc.stringMatching(/^ext:[A-Za-z0-9._-]{1,20}$/), nonEmptyText),
    series: fc.option(nonEmptyText, { nil: null }),
    level: fc.option(nonEmptyText, { nil: null }),
    hours: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }),
    alignments: fc.array(alignment, { maxLength: 3 }),
  })
  .chain(({ languages, shareLanguages, ...rest }) => {
    const texts = (value: fc.Arbitrary<string>) =>
      shareLanguages ? fc.tuple(...languages.map(() => value)).map((values) => Object.fromEntries(languages.map((code, index) => [code, values[index]]))) : localized(value);
    return fc.record({ name: texts(nonEmptyText), description: texts(text), criteria: texts(text) }).map((content) => ({ ...rest, ...content }));
  });

const evidence = fc.record({ url: fc.oneof(webUrl, iri), name: nonEmptyText, description: nonEmptyText }, { requiredKeys: [] });

/** The parts of an issuance request that reach the credential. */
export const issueInput: fc.Arbitrary<IssueCredentialInput> = fc.record(
  {
    achievementId: fc.uuid(),
    recipient: fc.record({ name: nonEmptyText, did }, { requiredKeys: ['name'] }),
    narrative: nonEmptyText,
    evidence: fc.array(evidence, { maxLength: 6 }),
    language,
  },
  { requiredKeys: ['achievementId', 'recipient'] },
);

const LATEST = Date.parse('9999-12-31T23:59:59Z');
/** An end of validity after `from` (the issuance schemas require validUntil to be later than validFrom), if any. */
const laterThan = (from: Date) =>
  fc.option(fc.integer({ min: 1, max: 20 * 365 * 86_400 }).map((seconds) => new Date(Math.min(from.getTime() + seconds * 1000, LATEST))), { nil: undefined });

/** A credentialStatus entry of a list of the service. */
const statusEntry = (publicBaseUrl: string) =>
  fc.tuple(fc.uuid(), fc.integer({ min: 0, max: 16_777_215 })).map(([listId, index]) => statusListEntry({ listUrl: statusListUrl(publicBaseUrl, listId), index }));

/** A document the service signs, with the DID whose key signs it (the issuer's). */
export interface Shape {
  kind: 'ob3' | 'vcalm-course' | 'status-list' | 'registry';
  signer: string;
  /** the service's own contexts a loader must serve beside the bundled ones (the registry's) */
  ownContexts?: ReadonlyMap<string, object>;
  /** the unsigned document (asynchronous: the status list builder compresses its list) */
  build(): Promise<Json>;
}

/** The OB 3.0 credential of a course completion, built by the product's own builder (every optional field). */
export const openBadgeCredential: fc.Arbitrary<Shape> = fc
  .record({ config, centre, course, input: issueInput, id: fc.uuid(), language, validFrom: instant })
  .chain((parts) =>
    fc
      .tuple(fc.option(statusEntry(parts.config.publicBaseUrl), { nil: undefined, freq: 5 }), laterThan(parts.validFrom))
      .map(([credentialStatus, validUntil]) => ({ ...parts, credentialStatus, input: { ...parts.input, ...(validUntil ? { validUntil: validUntil.toISOString() } : {}) } })),
  )
  .map(({ config: settings, centre: row, course: achievement, input, id, language: chosen, validFrom, credentialStatus }) => ({
    kind: 'ob3',
    signer: centreDid(settings.publicBaseUrl, row.slug),
    build: async () =>
      buildOpenBadgeCredential({ id, config: settings, centre: row, achievement, language: chosen, input, validFrom, ...(credentialStatus ? { credentialStatus } : {}) }) as Json,
  }));

/**
 * The credential VCALM issue signs for one of our courses: an OB 3.0 credential as a caller writes it (with or
 * without its own id, issuer profile, validFrom and validUntil), completed as the VCALM path completes it — the
 * centre's issuer profile and the time of issuance when absent, then its public URL as id when absent and its
 * status entry, last.
 */
export const vcalmCourseCredential: fc.Arbitrary<Shape> = fc
  .record({
    config,
    centre,
    uuid: fc.uuid(),
    callerId: fc.option(fc.uuid().map((uuid) => `urn:uuid:${uuid}`), { nil: undefined }),
    courseId: fc.uuid(),
    learner: nonEmptyText,
    learnerDid: fc.option(did, { nil: undefined }),
    name: nonEmptyText,
    description: text,
    narrative: text,
    inLanguage: fc.option(language, { nil: undefined }),
    ownIssuer: fc.boolean(),
    ownValidFrom: fc.boolean(),
    issuedAt: instant,
  })
  .chain((parts) =>
    fc
      .tuple(statusEntry(parts.config.publicBaseUrl), laterThan(parts.issuedAt))
      .map(([credentialStatus, validUntil]) => ({ ...parts, credentialStatus, validUntil, validFrom: parts.ownValidFrom ? parts.issuedAt : undefined })),
  )
  .map((parts) => {
    const { config: settings, centre: row } = parts;
    const profile = centreIssuerProfile({ centre: row, publicBaseUrl: settings.publicBaseUrl, language: row.defaultLanguage as Language });
    const caller: Json = {
      '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
      ...(parts.callerId ? { id: parts.callerId } : {}),
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      name: parts.name,
      ...(parts.ownIssuer ? { issuer: profile } : {}),
      ...(parts.validFrom ? { validFrom: xsdDateTime(parts.validFrom) } : {}),
      ...(parts.validUntil ? { validUntil: xsdDateTime(parts.validUntil) } : {}),
      credentialSubject: {
        ...(parts.learnerDid ? { id: parts.learnerDid } : {}),
        type: ['AchievementSubject'],
        identifier: [{ type: 'IdentityObject', identityHash: parts.learner, identityType: 'name', hashed: false }],
        achievement: {
          id: `${settings.publicBaseUrl}/achievements/${parts.courseId}`,
          type: ['Achievement'],
          name: parts.name,
          description: parts.description,
          criteria: { narrative: parts.narrative },
          ...(parts.inLanguage ? { inLanguage: parts.inLanguage } : {}),
        },
      },
    };
    if (caller.issuer === undefined) caller.issuer = profile;
    if (caller.validFrom === undefined) caller.validFrom = xsdDateTime(new Date(Math.floor(parts.issuedAt.getTime() / 1000) * 1000));
    const credential = { ...caller, id: caller.id ?? credentialUrl(settings.publicBaseUrl, parts.uuid), credentialStatus: parts.credentialStatus };
    return { kind: 'vcalm-course' as const, signer: centreDid(settings.publicBaseUrl, row.slug), build: async () => credential };
  });

/** Sizes of a status list: the configured range (multiples of 8 from 131,072 to 16,777,216), mostly the default. */
const listSize = fc.oneof(
  { weight: 12, arbitrary: fc.constant(131_072) },
  { weight: 6, arbitrary: fc.integer({ min: 16_384, max: 131_072 }).map((bytes) => bytes * 8) },
  { weight: 1, arbitrary: fc.integer({ min: 131_072, max: 2_097_152 }).map((bytes) => bytes * 8) },
  { weight: 1, arbitrary: fc.constant(16_777_216) },
);

/** A centre's Bitstring Status List credential with its revoked entries set, built by the product's builder. */
export const statusListCredential: fc.Arbitrary<Shape> = fc
  .record({ publicBaseUrl: origin, slug, listId: fc.uuid(), size: listSize, validFrom: instant, validityHours: fc.integer({ min: 1, max: 24 * 365 }) })
  .chain((parts) =>
    fc
      .array(fc.integer({ min: 0, max: parts.size - 1 }), { maxLength: 40 })
      .chain((indexes) => fc.constantFrom(indexes, [0, parts.size - 1, ...indexes]))
      .map((setIndexes) => ({ ...parts, setIndexes })),
  )
  .map(({ publicBaseUrl, slug: centreSlug, listId, size, validFrom, validityHours, setIndexes }) => {
    const issuer = centreDid(publicBaseUrl, centreSlug);
    const validUntil = new Date(Math.min(validFrom.getTime() + validityHours * 3_600_000, LATEST));
    return {
      kind: 'status-list',
      signer: issuer,
      build: () => buildStatusListCredential({ listUrl: statusListUrl(publicBaseUrl, listId), issuer, size, setIndexes, validFrom: xsdDateTime(validFrom), validUntil: xsdDateTime(validUntil) }),
    };
  });

const authorisationOf = (centres: CentreRow[]) =>
  fc.record({
    id: fc.uuid(),
    centreId: fc.constantFrom(...centres.map((row) => row.id)),
    achievementId: fc.uuid(),
    validFrom: instant,
    validUntil: fc.option(instant, { nil: null }),
    revokedAt: fc.constant(null),
    createdAt: fc.constant(new Date('2026-01-01T00:00:00Z')),
  }) satisfies fc.Arbitrary<AuthorisationRow>;

/** The signed trust registry's credential (recognised centres and their course authorisations), by the product's builder. */
export const registryShape: fc.Arbitrary<Shape> = fc
  .record({
    config: fc.tuple(config, fc.constantFrom(...contextOrigins)).map(([settings, publicBaseUrl]) => ({ ...settings, publicBaseUrl })),
    version: fc.integer({ min: 1, max: 2_147_483_647 }),
    centres: fc.uniqueArray(centre, { maxLength: 5, selector: (row) => row.slug }),
    validFrom: instant,
  })
  .chain((parts) =>
    (parts.centres.length === 0 ? fc.constant<AuthorisationRow[]>([]) : fc.array(authorisationOf(parts.centres), { maxLength: 8 })).map((authorisations) => ({ ...parts, authorisations })),
  )
  .map(({ config: settings, version, centres, authorisations, validFrom }) => ({
    kind: 'registry',
    signer: platformDid(settings.publicBaseUrl),
    ownContexts: ownContextsOf(settings.publicBaseUrl),
    build: async () => registryCredential({ config: settings, version, contents: { centres, authorisations }, validFrom }) as Json,
  }));

/** The contexts of every shape the service signs (what a proof's options carry as their @context). */
export const shapeContexts = fc.constantFrom(...contextOrigins).chain((publicBaseUrl) =>
  fc.constantFrom([VC_V2_CONTEXT], [VC_V2_CONTEXT, OB_V3_CONTEXT], [VC_V2_CONTEXT, registryContextUrl(publicBaseUrl)]).map((context) => ({ publicBaseUrl, context })),
);

/** A proof's `created` as the service writes it, and other XSD dateTime spellings another issuer might use. */
export const created = fc.tuple(instant, fc.constantFrom('service', 'milliseconds', 'offset')).map(([date, spelling]) => {
  const iso = date.toISOString();
  if (spelling === 'service') return `${iso.slice(0, -5)}Z`;
  return spelling === 'milliseconds' ? iso : `${iso.slice(0, -5)}+00:00`;
});

/** A verification method of several schemes: a did:web or did:key key, an https key document, a URN. */
export const verificationMethod = fc.oneof(
  fc.tuple(didWeb, base58).map(([controller, key]) => `${controller}#z6Mk${key}`),
  didKey.map((key) => `${key}#${key.slice('did:key:'.length)}`),
  fc.tuple(webUrl, base58).map(([url, key]) => `${url.split('#')[0]}#${key}`),
  iri,
);
