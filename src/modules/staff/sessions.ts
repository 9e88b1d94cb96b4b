import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import * as repository from './repository.js';
import type { StaffSessionRow, StaffWithCentre } from './repository.js';
import { ROLE_PERMISSIONS } from './roles.js';

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 30 * 60_000;
/** …and this long after sign-in, however active. */
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** Sensitive actions (keys, client secrets, staff) need a sign-in or confirmation this recent. */
export const CONFIRMATION_WINDOW_MS = 5 * 60_000;
// Activity is written at most this often: a page's requests need not each write the session row.
const TOUCH_INTERVAL_MS = 60_000;

/** Tokens are random 256-bit values; the database keeps their SHA-256 only (a stolen table opens no session). */
export const newToken = () => randomBytes(32).toString('base64url');
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface ConsoleSession {
  session: StaffSessionRow;
  staff: StaffWithCentre;
  /** the staff member as services see them: their role's permissions on their centre */
  principal: Principal;
}

/** A new session (always a new token: nothing the browser brought before sign-in carries over). */
export async function startSession({ ctx, staff, method, userAgent }: { ctx: AppContext; staff: { id: string }; method: 'passkey' | 'email-link'; userAgent?: string }) {
  const now = ctx.clock.now();
  const token = newToken();
  const session = await repository.insertSession(ctx.db, {
    staffId: staff.id,
    tokenHash: tokenHash(token),
    method,
    createdAt: now,
    lastSeenAt: now,
    confirmedAt: now,
    expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  return { token, session };
}

export const principalOf = (staff: StaffWithCentre, requestId: string): Principal => ({
  kind: 'staff',
  clientUuid: null,
  clientId: null,
  staffId: staff.id,
  centreId: staff.centreId,
  centreSlug: staff.centreSlug,
  scopes: ROLE_PERMISSIONS[staff.role],
  requestId,
});

/**
 * The session of a cookie's token, if it is open, its staff member active, and neither idle for 30 minutes nor
 * older than 12 hours; an expired one is ended on the spot. Activity is recorded (at most once a minute).
 */
export async function resumeSession({ ctx, token, requestId }: { ctx: AppContext; token: string; requestId: string }): Promise<ConsoleSession | null> {
  const found = await repository.findOpenSession(ctx.db, tokenHash(token));
  if (!found) return null;
  const { session, staff } = found;
  const now = ctx.clock.now();
  if (staff.state !== 'active' || now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() >= SESSION_IDLE_MS) {
    await repository.endSession(ctx.db, session.id, now);
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    await repository.touchSession(ctx.db, session.id, { lastSeenAt: now });
    session.lastSeenAt = now;
  }
  return { session, staff, principal: principalOf(staff, requestId) };
}

export const endSession = ({ ctx, session }: { ctx: AppContext; session: { id: string } }) => repository.endSession(ctx.db, session.id, ctx.clock.now());

/** Whether the session proved presence recently enough for a sensitive action. */
export const isFreshlyConfirmed = ({ ctx, session }: { ctx: AppContext; session: StaffSessionRow }) =>
  ctx.clock.now().getTime() - session.confirmedAt.getTime() < CONFIRMATION_WINDOW_MS;

export const markConfirmed = ({ ctx, session }: { ctx: AppContext; session: { id: string } }) => repository.touchSession(ctx.db, session.id, { confirmedAt: ctx.clock.now() });

/** The staff member's sessions still open (not ended, not past their 12 hours), most recently active first. */
export const openSessions = ({ ctx, staffId }: { ctx: AppContext; staffId: string }) => repository.openSessionsOf(ctx.db, staffId, ctx.clock.now());
