import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { centres } from './centres.js';
import type { LocalizedText } from '../../lib/i18n.js';

/** An alignment to a competency framework (OB 3.0 Alignment). */
export interface Alignment {
  targetName: string;
  targetUrl: string;
  targetCode?: string;
  targetFramework?: string;
}

/** IIOE courses, published as Open Badges 3.0 Achievements in every language they have. */
export const achievements = pgTable(
  'achievements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** the short code staff type in spreadsheets instead of the id, e.g. "genai-foundation" (modules/achievements/codes.ts) */
    code: text('code').notNull().unique(),
    name: jsonb('name').$type<LocalizedText>().notNull(),
    description: jsonb('description').$type<LocalizedText>().notNull(),
    criteria: jsonb('criteria').$type<LocalizedText>().notNull(),
    achievementType: text('achievement_type').notNull().default('MicroCredential'),
    series: text('series'),
    level: text('level'),
    hours: integer('hours'),
    alignments: jsonb('alignments').$type<Alignment[]>().notNull().default([]),
    /** the current version; every version's content is kept in achievement_versions */
    version: integer('version').notNull().default(1),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The service refuses other codes with a message; the database keeps the rule whoever writes.
  (table) => [check('achievements_code_format', sql`${table.code} ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(${table.code}) BETWEEN 2 AND 64`)],
);

/** The content of every version of a course, as credentials issued under that version embed it. */
export const achievementVersions = pgTable(
  'achievement_versions',
  {
    achievementId: uuid('achievement_id').notNull().references(() => achievements.id),
    version: integer('version').notNull(),
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.achievementId, table.version] })],
);

/** Which centre may certify which course, from when until when (judged at the time of issuance). */
export const authorisations = pgTable(
  'authorisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    achievementId: uuid('achievement_id').notNull().references(() => achievements.id),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('authorisations_centre_achievement').on(table.centreId, table.achievementId)],
);
