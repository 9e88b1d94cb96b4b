import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Every signed trust registry the platform has published; the highest version is the current one. */
export const registryVersions = pgTable('registry_versions', {
  version: integer('version').primaryKey(),
  document: text('document').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
