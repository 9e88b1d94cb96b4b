import { z } from 'zod';
import { LANGUAGES } from '../../lib/i18n.js';
import { languageSchema } from '../../lib/schemas.js';
import { httpUrlSchema } from '../../lib/urls.js';
import { displayText } from '../credentials/schemas.js';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** ISO 3166-1 alpha-2: two capitals that name a region Intl knows (an unknown code is echoed back). */
export const countryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. EG')
  // Intl.DisplayNames throws on anything but a well-formed region code, so only those are looked up
  .refine((code) => !/^[A-Z]{2}$/.test(code) || regionNames.of(code) !== code, 'is not an ISO 3166-1 country code');

export const slugSchema = z
  .string()
  .min(2, 'must be 2-63 characters')
  .max(63, 'must be 2-63 characters')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single hyphens, e.g. pakistan or egypt-cairo');

export const localizedNameSchema = z
  .partialRecord(z.enum(LANGUAGES), displayText(200))
  .refine((names) => Object.keys(names).length > 0, 'give the name in at least one of en, fr, ar, zh');

const centreFields = {
  name: localizedNameSchema.describe('the centre\'s name by language, e.g. {"en": "IIOE Pakistan National Centre"}'),
  defaultLanguage: languageSchema.optional().describe('language of its credentials when the issuer does not choose; default en'),
  countryCode: countryCodeSchema,
  hostInstitution: displayText(200).optional(),
  websiteUrl: httpUrlSchema.optional(),
  contactEmail: z.email('must be an email address').max(254).optional(),
  vcalmSecuring: z
    .enum(['data-integrity', 'vc-jwt'])
    .optional()
    .describe('how VCALM issue secures a credential when the request does not say: an embedded Data Integrity proof (default) or a VC-JOSE-COSE vc+jwt envelope'),
};

export const createCentreBodySchema = z.strictObject({ slug: slugSchema, ...centreFields });

export const updateCentreBodySchema = z
  .strictObject({
    name: centreFields.name.optional(),
    defaultLanguage: centreFields.defaultLanguage,
    countryCode: centreFields.countryCode.optional(),
    hostInstitution: centreFields.hostInstitution.nullable(),
    websiteUrl: centreFields.websiteUrl.nullable(),
    contactEmail: centreFields.contactEmail.nullable(),
    vcalmSecuring: centreFields.vcalmSecuring,
  })
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');

export const reasonBodySchema = z.strictObject({ reason: displayText(500).describe('why: kept in the audit trail') });

export const centreSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  did: z.string(),
  name: z.partialRecord(z.enum(LANGUAGES), z.string()),
  defaultLanguage: z.string(),
  countryCode: z.string(),
  hostInstitution: z.string().nullable(),
  websiteUrl: z.string().nullable(),
  contactEmail: z.string().nullable(),
  vcalmSecuring: z.enum(['data-integrity', 'vc-jwt']),
  status: z.enum(['active', 'suspended']),
  demo: z.boolean(),
  createdAt: z.string(),
});

export const centreListSchema = z.object({ items: z.array(centreSchema), nextCursor: z.string().nullable() });
export const slugParamsSchema = z.object({ slug: z.string().max(100) });
