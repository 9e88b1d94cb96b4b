/**
 * Structural checks for the W3C Verifiable Credentials Data Model 2.0 (Recommendation, 2025-05-15,
 * https://www.w3.org/TR/vc-data-model-2.0/) and, for credentials whose first @context is the 1.1 base context,
 * the Verifiable Credentials Data Model 1.1 (Recommendation, 2022-03-03), on issue and on verify.
 *
 * @digitalbazaar/vc `_checkCredential` covers only part of the spec (no validFrom <= validUntil, an
 * unanchored date regex with an optional timezone, no name/description, credentialSchema,
 * refreshService or relatedResource checks), so every MUST that can be checked from the JSON shape
 * alone is checked here and reported with a stable rule id ("vcdm2:…" or "vcdm1:…"); docs/vc-conformance.md
 * lists them against the specification's sections. "All terms are defined" needs JSON-LD expansion and is left
 * to the library's safe mode; the digests of related resources are compared where the service holds the bytes
 * (vc/related-resources.ts).
 */

import { isUri } from '../lib/urls.js';
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './contexts.js';
import { compareInstants, type Instant, parseDateTimeStamp } from './date-time.js';
import { parseDigestMultibase, parseDigestSri } from './related-resources.js';

export type DataModelViolation = {
  /** Stable id of the requirement, named after the spec section, e.g. "vcdm2:contexts". */
  rule: string;
  /** Where the problem is, in dot/bracket notation from the credential root ("" = the credential). */
  path: string;
  /** What is wrong and how to fix it, in plain English. */
  message: string;
};

export type CheckOptions = {
  /** Accept a `proof` property. Defaults to false: the issue endpoint receives unsigned credentials. */
  allowProof?: boolean;
};

const VC_VOCAB = 'https://www.w3.org/2018/credentials#';

type JsonObject = Record<string, unknown>;
type Out = DataModelViolation[];

/** Which data model a credential claims, by its first @context item (anything but the 1.1 base context is judged as 2.0). */
export type DataModelVersion = '1.1' | '2.0';

export function dataModelVersion(credential: unknown): DataModelVersion {
  const context = isObject(credential) ? credential['@context'] : undefined;
  const first = Array.isArray(context) ? context[0] : context;
  return first === VC_V1_CONTEXT ? '1.1' : '2.0';
}

/**
 * When a credential is valid, as its data model writes it: validFrom/validUntil (2.0), issuanceDate/expirationDate
 * (1.1). The raw values, for the validity check and the report to read.
 */
export function validityPeriod(credential: Record<string, unknown>): { validFrom?: unknown; validUntil?: unknown } {
  return dataModelVersion(credential) === '1.1'
    ? { validFrom: credential.issuanceDate, validUntil: credential.expirationDate }
    : { validFrom: credential.validFrom, validUntil: credential.validUntil };
}

/** The rules of one version: its base context, the one it cannot be mixed with, and its rule-id prefix. */
interface Model {
  version: DataModelVersion;
  prefix: 'vcdm2' | 'vcdm1';
  base: string;
  other: string;
}
const MODELS: Record<DataModelVersion, Model> = {
  '2.0': { version: '2.0', prefix: 'vcdm2', base: VC_V2_CONTEXT, other: VC_V1_CONTEXT },
  '1.1': { version: '1.1', prefix: 'vcdm1', base: VC_V1_CONTEXT, other: VC_V2_CONTEXT },
};

/**
 * Returns every violation of its data model (2.0, or 1.1 when its first @context is the 1.1 base context) found in
 * `credential`; [] when it meets every structurally checkable MUST. Never throws.
 */
export function checkCredentialDataModel(credential: unknown, options: CheckOptions = {}): DataModelViolation[] {
  const out: Out = [];
  try {
    if (!isObject(credential)) {
      add(out, 'vcdm2:json-object', '', `A credential must be a JSON object; got ${kind(credential)}.`);
      return out;
    }
    const model = MODELS[dataModelVersion(credential)];
    const rule = (name: string) => `${model.prefix}:${name}`;
    checkContexts(credential, model, out);
    checkCredentialType(credential, rule('types'), out);
    if (credential.id !== undefined) checkId(credential.id, 'id', rule('identifiers'), 'The credential id', out);
    checkIssuer(credential, rule('issuer'), out);
    checkCredentialSubject(credential, model, out);
    // The typed objects (2.0 §4.5 table, §4.10, §4.11, §5.4–5.6; 1.1 §4.9, §5.4, §5.6–5.8). VC 1.1 also requires an
    // id on credentialStatus (§4.9) and refreshService (§5.6); both versions on credentialSchema.
    const v1 = model.version === '1.1';
    checkTypedObjects(credential, 'credentialStatus', model, rule('status'), out, { requiredId: v1 });
    checkTypedObjects(credential, 'credentialSchema', model, rule('data-schemas'), out, { requiredId: true });
    checkTypedObjects(credential, 'refreshService', model, rule('refresh'), out, { requiredId: v1 });
    checkTypedObjects(credential, 'termsOfUse', model, rule('terms-of-use'), out);
    checkTypedObjects(credential, 'evidence', model, rule('evidence'), out);
    if (v1) {
      checkIssuanceAndExpiration(credential, out);
    } else {
      checkCompactedForm(credential, out);
      checkNamesAndDescriptions(credential, '', out);
      checkValidityPeriod(credential, out);
      checkV1Properties(credential, out);
      checkRelatedResources(credential, out);
      // §5.10: a reserved property's value MUST carry a type to avoid collisions between uses.
      checkTypedObjects(credential, 'confidenceMethod', model, 'vcdm2:reserved-extension-points', out);
      checkTypedObjects(credential, 'renderMethod', model, 'vcdm2:reserved-extension-points', out);
    }
    if (options?.allowProof !== true && credential.proof !== undefined) {
      add(out, rule('proof-on-unsigned'), 'proof',
        'Remove the proof property: this endpoint takes an unsigned credential and adds the proof itself (VC 2.0 §4.12 Securing Mechanisms).');
    }
  } catch {
    // Only reachable for values JSON cannot produce (throwing getters, proxies): report, never throw.
    add(out, 'vcdm2:json-object', '', 'The credential could not be read as plain JSON data; send it as a JSON object.');
  }
  return out;
}

/**
 * Returns the context URLs in `context` for which `isKnown` is false, in order and without
 * duplicates. Inline context objects are searched too, because `@import` and scoped contexts in
 * term definitions make the document loader fetch URLs as well (JSON-LD 1.1 §4.1).
 */
export function knownContextCheck(context: unknown, isKnown: (url: string) => boolean): string[] {
  const unknown: string[] = [];
  const seen = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 32) return;
    if (typeof value === 'string') {
      if (seen.has(value)) return;
      seen.add(value);
      let known = false;
      try {
        known = isKnown(value) === true;
      } catch {
        known = false;
      }
      if (!known) unknown.push(value);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
    } else if (isObject(value)) {
      visit(value['@import'], depth + 1);
      for (const [key, definition] of Object.entries(value)) {
        if (!key.startsWith('@') && isObject(definition)) visit(definition['@context'], depth + 1);
      }
    }
  };
  try {
    visit(context, 0);
  } catch {
    // Unreadable input: the data model check reports it; return what was found so far.
  }
  return unknown;
}

// 2.0 §4.3 / 1.1 §4.1 Contexts: an ordered set whose first item is the base context URL, then URLs and/or
// context objects; the two base contexts protect the same terms with different definitions, so never both.
function checkContexts(c: JsonObject, model: Model, out: Out): void {
  const rule = `${model.prefix}:contexts`;
  const context = c['@context'];
  if (context === undefined) {
    add(out, rule, '@context', `Add an @context property whose first item is "${VC_V2_CONTEXT}".`);
    return;
  }
  // §4.3: "MUST be an ordered set", i.e. a JSON array, even of one item: plain JSON-LD would let a single string
  // stand for it, but the VC 2.0 JSON serialisation (and the OB 3.0 JSON Schema) does not.
  if (typeof context === 'string') {
    add(out, rule, '@context', `@context must be an ordered set (a JSON array), not a string: write ["${context}"]${context === model.base ? '' : ` with "${VC_V2_CONTEXT}" first`}.`);
    return;
  }
  if (!Array.isArray(context)) {
    add(out, rule, '@context', `@context must be an array of context URLs and objects whose first item is "${VC_V2_CONTEXT}"; got ${kind(context)}.`);
    return;
  }
  const items: unknown[] = context;
  const at = (i: number) => `@context[${i}]`;
  if (items.length === 0) {
    add(out, rule, '@context', `@context is empty; its first item must be "${VC_V2_CONTEXT}".`);
    return;
  }
  if (items[0] !== model.base) {
    const hint = items.includes(VC_V2_CONTEXT) ? `move "${VC_V2_CONTEXT}" to the front of @context` : `add "${VC_V2_CONTEXT}" as the first @context item`;
    add(out, rule, at(0), `The first @context item must be "${VC_V2_CONTEXT}" (or "${VC_V1_CONTEXT}" for a VC Data Model 1.1 credential); ${hint}.`);
  }
  items.forEach((item, i) => {
    if (i === 0) return;
    if (typeof item === 'string') {
      if (item === model.other) {
        add(out, rule, at(i), `Remove "${item}": the VC 1.1 and 2.0 base contexts cannot be combined.`);
      } else if (item === model.base && items[0] === model.base) {
        add(out, rule, at(i), `Remove the second "${item}": the base context is listed once, first.`);
      } else if (!isUriValue(item)) {
        add(out, rule, at(i), `@context items must be absolute URLs or context objects; ${show(item)} is not a URL.`);
      }
    } else if (isObject(item)) {
      if ('@context' in item) {
        add(out, rule, at(i), 'An inline @context item must be the context definition itself, not a document wrapping it in another "@context".');
      }
    } else {
      add(out, rule, at(i), `@context items must be URLs or context objects; got ${kind(item)}.`);
    }
  });
}

// §6.1 JSON-LD: the base media type MUST use compacted form, i.e. the v2 aliases, not keywords or full IRIs.
function checkCompactedForm(c: JsonObject, out: Out): void {
  for (const key of Object.keys(c)) {
    if (key === '@id' || key === '@type') {
      add(out, 'vcdm2:compacted-form', key,
        `Use "${key.slice(1)}" instead of "${key}": VC Data Model 2.0 credentials must be in JSON-LD compacted form.`);
    } else if (key.startsWith(VC_VOCAB)) {
      add(out, 'vcdm2:compacted-form', key,
        `Use the short property name "${key.slice(VC_VOCAB.length)}" instead of the full IRI "${key}" (JSON-LD compacted form).`);
    }
  }
}

// 2.0 §4.5 / 1.1 §4.3 Types: type is required and, for a credential, includes VerifiableCredential.
function checkCredentialType(c: JsonObject, rule: string, out: Out): void {
  if (c.type === undefined) {
    add(out, rule, 'type', 'Add a type property, for example ["VerifiableCredential", "OpenBadgeCredential"].');
    return;
  }
  const values = checkTypeValue(c.type, 'type', rule, 'The credential', out);
  if (values && !values.includes('VerifiableCredential')) {
    add(out, rule, 'type',
      `type must include "VerifiableCredential"; got ${show(c.type)}. Use for example ["VerifiableCredential", ${JSON.stringify(values[0] ?? 'MyCredential')}].`);
  }
}

// §4.6 Names and Descriptions: a string or language value objects (§11.1).
function checkNamesAndDescriptions(obj: JsonObject, base: string, out: Out): void {
  for (const prop of ['name', 'description'] as const) {
    const value = obj[prop];
    if (value === undefined) continue;
    const path = join(base, prop);
    if (Array.isArray(value)) {
      if (value.length === 0) {
        add(out, 'vcdm2:names-and-descriptions', path, `${path} is an empty array; give a string or language value objects, or remove it.`);
      }
      value.forEach((item, i) => {
        if (typeof item !== 'string') checkLanguageValue(item, `${path}[${i}]`, out);
      });
    } else if (typeof value !== 'string') {
      checkLanguageValue(value, path, out);
    }
  }
}

// §11.1 Language and Base Direction: @value string, optional @language/@direction, no other keys.
function checkLanguageValue(value: unknown, path: string, out: Out): void {
  const rule = 'vcdm2:names-and-descriptions';
  if (!isObject(value)) {
    add(out, rule, path,
      `${path} must be a string or a language value object like {"@value": "…", "@language": "en"}; got ${kind(value)}.`);
    return;
  }
  if (typeof value['@value'] !== 'string') {
    add(out, rule, path, `The language value object at ${path} needs an "@value" string holding the text.`);
  }
  const language = value['@language'];
  // BCP 47 well-formedness, as JSON-LD processors check it (safe mode rejects malformed tags).
  if (language !== undefined && (typeof language !== 'string' || !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(language))) {
    add(out, rule, `${path}.@language`, `"@language" must be a BCP 47 language tag such as "en" or "fr-CA"; got ${show(language)}.`);
  }
  const direction = value['@direction'];
  if (direction !== undefined && direction !== 'ltr' && direction !== 'rtl') {
    add(out, rule, `${path}.@direction`, `"@direction" must be "ltr" or "rtl"; got ${show(direction)}.`);
  }
  for (const key of Object.keys(value)) {
    if (key !== '@value' && key !== '@language' && key !== '@direction') {
      add(out, rule, `${path}.${key}`,
        `Remove "${key}": a language value object may only contain "@value", "@language" and "@direction".`);
    }
  }
}

// 2.0 §4.7 / 1.1 §4.5 Issuer: required, a single URL or an object whose id is a URL.
function checkIssuer(c: JsonObject, rule: string, out: Out): void {
  const issuer = c.issuer;
  if (issuer === undefined) {
    add(out, rule, 'issuer', 'Add an issuer: a URL such as "did:web:example.org", or an object with an "id" URL.');
  } else if (typeof issuer === 'string') {
    if (!isUriValue(issuer)) add(out, rule, 'issuer', `issuer must be a URL (for example a DID or https URL); got ${show(issuer)}.`);
  } else if (isObject(issuer)) {
    if (issuer.id === undefined) {
      add(out, rule, 'issuer.id', 'The issuer object needs an "id" URL identifying the issuer (for example its DID).');
    } else {
      checkId(issuer.id, 'issuer.id', rule, 'issuer.id', out);
    }
    if (rule.startsWith('vcdm2')) checkNamesAndDescriptions(issuer, 'issuer', out);
  } else if (Array.isArray(issuer)) {
    add(out, rule, 'issuer', 'issuer must be a single value (a URL or one object), not an array.');
  } else {
    add(out, rule, 'issuer', `issuer must be a URL or an object with an "id" URL; got ${kind(issuer)}.`);
  }
}

// 2.0 §4.8 / 1.1 §4.4 Credential Subject: required; each subject object is the subject of one or more claims. An
// object holding only an id identifies its subject, and the credential's claim is then about that subject (the
// credentialSubject relation itself); an object with neither an id nor a property claims nothing.
function checkCredentialSubject(c: JsonObject, model: Model, out: Out): void {
  const rule = `${model.prefix}:credential-subject`;
  const subject = c.credentialSubject;
  if (subject === undefined) {
    add(out, rule, 'credentialSubject', 'Add a credentialSubject object holding the claims about the subject.');
    return;
  }
  if (Array.isArray(subject) && subject.length === 0) {
    add(out, rule, 'credentialSubject', 'credentialSubject is an empty array; it needs at least one subject object with claims.');
    return;
  }
  const items = Array.isArray(subject) ? subject : [subject];
  items.forEach((item, i) => {
    const path = Array.isArray(subject) ? `credentialSubject[${i}]` : 'credentialSubject';
    if (!isObject(item)) {
      add(out, rule, path, `${path} must be an object holding claims about the subject; got ${kind(item)}.`);
      return;
    }
    const claims = Object.keys(item).filter((k) => k !== '@context' && hasValue(item[k]));
    if (claims.length === 0) {
      add(out, rule, path, `${path} makes no claim: give the subject's "id" (a URL such as a DID) and/or properties about it.`);
    }
    if (item.id !== undefined) checkId(item.id, `${path}.id`, `${model.prefix}:identifiers`, `${path}.id`, out);
  });
}

// §4.9 Validity Period: dateTimeStamp strings (timezone required), validFrom <= validUntil.
function checkValidityPeriod(c: JsonObject, out: Out): void {
  const rule = 'vcdm2:validity-period';
  const instants: Partial<Record<'validFrom' | 'validUntil', Instant>> = {};
  for (const prop of ['validFrom', 'validUntil'] as const) {
    const value = c[prop];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      const what = Array.isArray(value) ? 'a single string, not an array' : `a string; got ${kind(value)}`;
      add(out, rule, prop, `${prop} must be ${what}, for example "2025-01-01T00:00:00Z".`);
      continue;
    }
    const parsed = parseDateTimeStamp(value);
    if (typeof parsed === 'string') {
      add(out, rule, prop, `${prop} ${show(value)} ${parsed}`);
    } else {
      instants[prop] = parsed;
    }
  }
  const from = instants.validFrom;
  const until = instants.validUntil;
  if (from && until && compareInstants(from, until) > 0) {
    add(out, rule, 'validUntil',
      `validUntil (${show(c.validUntil)}) is earlier than validFrom (${show(c.validFrom)}); validUntil must be the same as or later than validFrom.`);
  }
}

// 1.1 §4.6 Issuance Date (required) and §4.8 Expiration (optional): RFC 3339 combined date and time strings, which
// require a time zone offset, as XML Schema dateTimeStamp does.
function checkIssuanceAndExpiration(c: JsonObject, out: Out): void {
  if (c.issuanceDate === undefined) {
    add(out, 'vcdm1:issuance-date', 'issuanceDate', 'A VC Data Model 1.1 credential needs an issuanceDate, for example "2025-01-01T00:00:00Z".');
  }
  for (const [prop, rule] of [['issuanceDate', 'vcdm1:issuance-date'], ['expirationDate', 'vcdm1:expiration']] as const) {
    const value = c[prop];
    if (value === undefined) continue;
    const parsed = typeof value === 'string' ? parseDateTimeStamp(value) : 'must be one date-time string';
    if (typeof parsed === 'string') add(out, rule, prop, `${prop} ${show(value)} ${parsed}`);
  }
  for (const prop of ['validFrom', 'validUntil']) {
    if (c[prop] !== undefined) {
      add(out, 'vcdm1:v2-properties', prop, `${prop} is a VC Data Model 2.0 property that the 1.1 context does not define; a 1.1 credential uses issuanceDate and expirationDate.`);
    }
  }
}

// issuanceDate/expirationDate are VC 1.1 terms the v2 context does not define (§4.9 replaced them).
function checkV1Properties(c: JsonObject, out: Out): void {
  const replacements = { issuanceDate: 'validFrom', expirationDate: 'validUntil' } as const;
  for (const [old, replacement] of Object.entries(replacements)) {
    if (c[old] !== undefined) {
      add(out, 'vcdm2:v1-properties', old,
        `${old} is a VC Data Model 1.1 property that the v2 context does not define; use ${replacement} instead.`);
    }
  }
}

// §5.3 Integrity of Related Resources: objects with a unique id URL and a digestSRI or digestMultibase.
function checkRelatedResources(c: JsonObject, out: Out): void {
  const rule = 'vcdm2:related-resources';
  const value = c.relatedResource;
  if (value === undefined) return;
  if (Array.isArray(value) && value.length === 0) {
    add(out, rule, 'relatedResource', 'relatedResource is an empty array; list at least one resource object or remove it.');
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  const ids = new Set<string>();
  items.forEach((item, i) => {
    const path = Array.isArray(value) ? `relatedResource[${i}]` : 'relatedResource';
    if (!isObject(item)) {
      add(out, rule, path, `${path} must be an object with "id" and "digestSRI" or "digestMultibase"; got ${kind(item)}.`);
      return;
    }
    if (item.id === undefined) {
      add(out, rule, `${path}.id`, `${path} needs an "id" URL naming the related resource.`);
    } else {
      checkId(item.id, `${path}.id`, 'vcdm2:identifiers', `${path}.id`, out);
      if (typeof item.id === 'string') {
        if (ids.has(item.id)) add(out, rule, `${path}.id`, `${show(item.id)} is listed twice in relatedResource; each id must be unique.`);
        ids.add(item.id);
      }
    }
    if (item.digestSRI === undefined && item.digestMultibase === undefined) {
      add(out, rule, path, `${path} needs a "digestSRI" or "digestMultibase" value with the resource's cryptographic digest.`);
    }
    checkDigests(item.digestSRI, `${path}.digestSRI`, parseDigestSri, rule, out);
    checkDigests(item.digestMultibase, `${path}.digestMultibase`, parseDigestMultibase, rule, out);
    if (item.mediaType !== undefined &&
        (typeof item.mediaType !== 'string' || !/^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?$/.test(item.mediaType))) {
      add(out, rule, `${path}.mediaType`, `mediaType must be a media type such as "application/ld+json"; got ${show(item.mediaType)}.`);
    }
  });
}

/**
 * Objects that MUST have a type (§4.5 table, §4.10, §4.11, §5.4–5.6, §5.10): a single object or a
 * non-empty array of objects. An optional id follows §4.4; credentialSchema's id is required (§4.11).
 */
function checkTypedObjects(c: JsonObject, prop: string, model: Model, rule: string, out: Out, opts: { requiredId?: boolean } = {}): void {
  const value = c[prop];
  if (value === undefined) return;
  if (Array.isArray(value) && value.length === 0) {
    add(out, rule, prop, `${prop} is an empty array; give at least one ${prop} object with a type, or remove it.`);
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  items.forEach((item, i) => {
    const path = Array.isArray(value) ? `${prop}[${i}]` : prop;
    if (!isObject(item)) {
      add(out, rule, path, `${path} must be an object with a "type"; got ${kind(item)}.`);
      return;
    }
    if (item.type === undefined) {
      add(out, rule, `${path}.type`, `${path} needs a "type" naming what kind of ${prop} it is.`);
    } else {
      checkTypeValue(item.type, `${path}.type`, rule, path, out);
    }
    if (item.id === undefined) {
      if (opts.requiredId) add(out, rule, `${path}.id`, `${path} needs an "id" URL identifying it.`);
    } else {
      // an object that requires its id states its own URL requirement; the others defer to §4.4 Identifiers
      checkId(item.id, `${path}.id`, opts.requiredId ? rule : `${model.prefix}:identifiers`, `${path}.id`, out);
    }
  });
}

// §4.5: one or more terms or absolute URL strings. Returns the strings when the shape is right.
function checkTypeValue(value: unknown, path: string, rule: string, owner: string, out: Out): string[] | undefined {
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) {
    add(out, rule, path, `${owner} has an empty type array; give at least one type.`);
    return undefined;
  }
  for (const v of values) {
    if (typeof v !== 'string' || v.length === 0 || /\s/.test(v) || v.startsWith('_:')) {
      add(out, rule, path, `type values must be terms or absolute URLs (non-empty strings without spaces); got ${show(v)}.`);
      return undefined;
    }
  }
  return values as string[];
}

// §4.4 Identifiers: if present, a single URL.
function checkId(value: unknown, path: string, rule: string, what: string, out: Out): void {
  if (Array.isArray(value)) {
    add(out, rule, path, `${what} must be a single URL, not an array.`);
  } else if (!isUriValue(value)) {
    add(out, rule, path, `${what} must be a URL such as "https://…", "did:…" or "urn:uuid:…"; got ${show(value)}.`);
  }
}

/** One or more digests (§5.3: "one or more cryptographic digests"), each readable by `parse`. */
function checkDigests(value: unknown, path: string, parse: (text: string) => unknown, rule: string, out: Out): void {
  if (value === undefined) return;
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) add(out, rule, path, `${path} is an empty array; give at least one digest or remove it.`);
  values.forEach((item, i) => {
    const at = Array.isArray(value) ? `${path}[${i}]` : path;
    const problem = typeof item === 'string' ? parse(item) : 'must be a string';
    if (typeof problem === 'string') add(out, rule, at, `${at} ${show(item)} ${problem}.`);
  });
}

/** The data model's URLs (https, did:, urn:uuid:…) are absolute URIs, by the project's one rule (lib/urls). */
const isUriValue = (value: unknown): value is string => typeof value === 'string' && isUri(value);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.prototype.toString.call(value) === '[object Object]';
}

/** JSON-LD drops null and empty arrays, so they carry no claim. */
function hasValue(value: unknown): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}

function add(out: Out, rule: string, path: string, message: string): void {
  out.push({ rule, path, message });
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${show(value)}`;
  return `${typeof value} ${show(value)}`;
}

/** A short JSON rendering of a value for messages. */
function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
