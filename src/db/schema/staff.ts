import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { centres } from './centres.js';

/** viewer: reads · issuer: also issues, uploads cohorts, delivers · manager: also lifecycle, clients, keys, staff · admin: the platform */
export const STAFF_ROLES = ['viewer', 'issuer', 'manager', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** invited: a link was sent, not yet used · active · removed (kept for the audit trail; signs in no more) */
export const STAFF_STATES = ['invited', 'active', 'removed'] as const;
export type StaffState = (typeof STAFF_STATES)[number];

/** People who use the console: a centre's staff (centreId set) or platform admins (centreId null, role admin). No passwords. */
export const staffMembers = pgTable(
  'staff_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreId: uuid('centre_id').references(() => centres.id),
    /** lower-cased; one account per address among those not removed */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').$type<StaffRole>().notNull(),
    state: text('state').$type<StaffState>().notNull().default('invited'),
    invitedByStaffId: uuid('invited_by_staff_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    activatedAt: timestamp('activated_at', { withTimezone: true, precision: 3 }),
    removedAt: timestamp('removed_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [uniqueIndex('staff_members_email').on(table.email).where(sql`state <> 'removed'`), index('staff_members_centre').on(table.centreId)],
);

/** WebAuthn credentials (passkeys) of staff members: public keys only. */
export const staffPasskeys = pgTable('staff_passkeys', {
  id: uuid('id').primaryKey().defaultRandom(),
  staffId: uuid('staff_id').notNull().references(() => staffMembers.id),
  /** the authenticator's credential id, base64url */
  credentialId: text('credential_id').notNull().unique(),
  /** COSE public key, base64url */
  publicKey: text('public_key').notNull(),
  signCount: integer('sign_count').notNull().default(0),
  transports: text('transports').array().notNull().default([]),
  backedUp: boolean('backed_up').notNull().default(false),
  /** the staff member's label ("Work laptop") */
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, precision: 3 }),
});

/** Console sessions, kept server-side: the cookie holds a random token, the table its SHA-256. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id').notNull().references(() => staffMembers.id),
    tokenHash: text('token_hash').notNull().unique(),
    /** how the session began: passkey or email-link */
    method: text('method').$type<'passkey' | 'email-link'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 }).notNull(),
    /** when the staff member last proved presence (sign-in, passkey or e-mailed confirmation): sensitive actions need it recent */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, precision: 3 }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, precision: 3 }),
    userAgent: text('user_agent'),
  },
  (table) => [index('staff_sessions_staff').on(table.staffId)],
);

/** What a one-time link does: accept an invitation, sign in, or confirm a sensitive action in a session. */
export const STAFF_LINK_PURPOSES = ['invitation', 'sign-in', 'confirmation'] as const;
export type StaffLinkPurpose = (typeof STAFF_LINK_PURPOSES)[number];

/** One-time links sent by e-mail (or printed by the CLI): the token's SHA-256 only. */
export const staffLinks = pgTable(
  'staff_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id').notNull().references(() => staffMembers.id),
    purpose: text('purpose').$type<StaffLinkPurpose>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** a confirmation link confirms this session only */
    sessionId: uuid('session_id').references(() => staffSessions.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [index('staff_links_staff').on(table.staffId, table.createdAt)],
);

/** WebAuthn challenges in flight: single use, minutes long. */
export const webauthnChallenges = pgTable('webauthn_challenges', {
  id: uuid('id').primaryKey().defaultRandom(),
  challenge: text('challenge').notNull(),
  purpose: text('purpose').$type<'registration' | 'authentication' | 'confirmation'>().notNull(),
  /** registration and confirmation: for this session only */
  sessionId: uuid('session_id').references(() => staffSessions.id),
  expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
});
