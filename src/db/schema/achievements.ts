import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { LocalizedText } from '../../lib/i18n.js';

/** IIOE courses, published as Open Badges 3.0 Achievements in every language they have. */
export const achievements = pgTable('achievements', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: jsonb('name').$type<LocalizedText>().notNull(),
  description: jsonb('description').$type<LocalizedText>().notNull(),
  criteria: jsonb('criteria').$type<LocalizedText>().notNull(),
  achievementType: text('achievement_type').notNull().default('MicroCredential'),
  series: text('series'),
  level: text('level'),
  hours: integer('hours'),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
