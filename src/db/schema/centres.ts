import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { LocalizedText } from '../../lib/i18n.js';

/** National centres: each issues credentials under its own did:web identifier. */
export const centres = pgTable('centres', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: jsonb('name').$type<LocalizedText>().notNull(),
  defaultLanguage: text('default_language').notNull().default('en'),
  countryCode: text('country_code').notNull(),
  websiteUrl: text('website_url'),
  hostInstitution: text('host_institution'),
  contactEmail: text('contact_email'),
  status: text('status', { enum: ['active', 'suspended'] }).notNull().default('active'),
  isDemo: boolean('is_demo').notNull().default(false),
  /**
   * How VCALM issue secures a credential when the request does not say: an embedded Data Integrity proof
   * (eddsa-rdfc-2022), or a VC-JOSE-COSE `application/vc+jwt` envelope signed with the same key.
   */
  vcalmSecuring: text('vcalm_securing', { enum: ['data-integrity', 'vc-jwt'] }).notNull().default('data-integrity'),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * Every suspension and reactivation of a centre, so verification can judge the centre's standing at the time
 * a credential was issued (the proof's `created`), not only now.
 */
export const centreStatusChanges = pgTable(
  'centre_status_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    status: text('status', { enum: ['active', 'suspended'] }).notNull(),
    reason: text('reason').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('centre_status_changes_centre').on(table.centreId, table.changedAt)],
);
