import { isIP } from 'node:net';
import type { StaffLinkPurpose, StaffRole } from '../../db/schema/index.js';
import { type Language, pickLocalized } from '../../lib/i18n.js';
import { conflict, forbidden, HttpProblem, notFound, problemType } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { renderStaffEmail } from '../../web/email/staff-email.js';
import { type Actor, recordAction } from '../audit/service.js';
import { isPlatformAdmin } from '../centres/access.js';
import { findCentreBySlug } from '../centres/repository.js';
import type { Mailer } from '../delivery/mailer.js';
import * as repository from './repository.js';
import type { StaffWithCentre } from './repository.js';
import { CENTRE_ROLES } from './roles.js';
import { newToken, startSession, tokenHash } from './sessions.js';

/** How long a link works, in minutes: an invitation 72 hours, a sign-in or confirmation link 15 minutes. */
export const LINK_VALIDITY_MINUTES: Record<StaffLinkPurpose, number> = { invitation: 72 * 60, 'sign-in': 15, confirmation: 15 };
/** Sign-in links e-mailed to one account per hour, at most: a flood of requests cannot flood an inbox. */
export const SIGN_IN_LINKS_PER_HOUR = 5;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Where a link of each purpose lands in the console (the token travels in the path, never in a cookie). */
export const linkPath = (purpose: StaffLinkPurpose, token: string) => `/console/${purpose === 'invitation' ? 'invitations' : purpose === 'sign-in' ? 'sign-in/link' : 'confirm'}/${token}`;

/**
 * WebAuthn's relying-party id is PUBLIC_BASE_URL's host; browsers refuse passkeys for an IP address, so there the
 * console signs in by e-mail link only (and says why).
 */
export function relyingParty(publicBaseUrl: string): { id: string; origin: string } | null {
  const url = new URL(publicBaseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? null : { id: host, origin: url.origin };
}

export type StaffView = ReturnType<typeof staffView>;
export const staffView = (staff: Omit<StaffWithCentre, 'centreSlug'> & { centreSlug?: string | null }) => ({
  id: staff.id,
  email: staff.email,
  displayName: staff.displayName,
  role: staff.role,
  state: staff.state,
  createdAt: staff.createdAt,
  activatedAt: staff.activatedAt,
});

const memberOf = (principal: Principal, centreId: string | null) => isPlatformAdmin(principal) || (centreId !== null && principal.centreId === centreId);

/** A staff member the principal manages: their centre's (a manager), or anyone (an admin). Others are not found. */
export async function managedStaff({ ctx, principal, staffId }: { ctx: AppContext; principal: Principal; staffId: string }): Promise<StaffWithCentre> {
  const staff = await repository.findStaff(ctx.db, staffId);
  if (!staff || staff.state === 'removed' || !memberOf(principal, staff.centreId)) throw notFound('No such staff member.');
  return staff;
}

export interface InvitationInput {
  email: string;
  displayName: string;
  role: StaffRole;
  /** the centre's slug; none for a platform admin */
  centre?: string | null;
  language: Language;
}

/** One link for a staff member: stored as its hash, the token returned once (to be e-mailed, or printed by the CLI). */
async function issueLink(ctx: AppContext, db: Parameters<typeof repository.insertLink>[0], { staffId, purpose, sessionId }: { staffId: string; purpose: StaffLinkPurpose; sessionId?: string }) {
  const now = ctx.clock.now();
  const token = newToken();
  await repository.insertLink(db, { staffId, purpose, tokenHash: tokenHash(token), sessionId: sessionId ?? null, createdAt: now, expiresAt: new Date(now.getTime() + LINK_VALIDITY_MINUTES[purpose] * 60_000) });
  return `${ctx.config.publicBaseUrl}${linkPath(purpose, token)}`;
}

/**
 * Invites a staff member: a manager to their own centre (viewer, issuer or manager), a platform admin to any centre
 * or as an admin; the CLI (actor kind cli) may invite anyone. Inviting an address already invited sends a new link
 * (the old one stops working); an address with an active account is a conflict. Returns the link (valid 72 hours).
 */
export async function inviteStaff({ ctx, actor, input }: { ctx: AppContext; actor: Actor; input: InvitationInput }) {
  const email = normaliseEmail(input.email);
  const centre = input.role === 'admin' ? null : input.centre ? await findCentreBySlug(ctx.db, input.centre) : undefined;
  if (input.role !== 'admin' && !centre) {
    throw new HttpProblem({ status: 422, type: problemType('unknown-centre'), title: 'Unprocessable Content', detail: `No centre "${input.centre ?? ''}": a centre role needs the centre's slug.`, errors: [{ path: 'centre', message: 'no such centre' }] });
  }
  if (input.role === 'admin' && input.centre) throw new HttpProblem({ status: 422, type: problemType('admin-has-no-centre'), title: 'Unprocessable Content', detail: 'A platform admin belongs to no centre; leave the centre empty.', errors: [{ path: 'centre', message: 'must be empty for an admin' }] });
  if (actor.kind === 'staff' || actor.kind === 'client') {
    const mayInvite = input.role === 'admin' ? isPlatformAdmin(actor) : actor.scopes.has('staff:manage') && memberOf(actor, centre?.id ?? null) && (CENTRE_ROLES as readonly string[]).includes(input.role);
    if (!mayInvite) throw forbidden(input.role === 'admin' ? 'Only a platform admin invites platform admins.' : 'Only a manager of the centre (or a platform admin) invites its staff.');
  }
  return ctx.db.transaction(async (tx) => {
    const existing = await repository.findStaffByEmail(tx, email);
    if (existing?.state === 'active') throw conflict(`${email} already has an account${existing.centreSlug ? ` at ${existing.centreSlug}` : ' (platform admin)'}.`, 'staff-exists');
    const now = ctx.clock.now();
    const staff = existing
      ? (await repository.updateStaff(tx, existing.id, { displayName: input.displayName, role: input.role, centreId: centre?.id ?? null, invitedByStaffId: actor.staffId }))!
      : await repository.insertStaff(tx, { email, displayName: input.displayName, role: input.role, centreId: centre?.id ?? null, state: 'invited', invitedByStaffId: actor.staffId });
    if (existing) await repository.retireLinks(tx, { staffId: staff.id, purpose: 'invitation', at: now });
    const link = await issueLink(ctx, tx, { staffId: staff.id, purpose: 'invitation' });
    await recordAction({ db: tx, actor, action: existing ? 'staff.reinvited' : 'staff.invited', centreId: centre?.id ?? null, target: `staff:${staff.id}`, details: { role: input.role } });
    return { staff: { ...staff, centreSlug: centre?.slug ?? null }, link, centreName: centre ? pickLocalized(centre.name, input.language).value : ctx.config.platform.name };
  });
}

/** Invites a staff member (inviteStaff's rules) and e-mails them the link in the invitation's language. */
export async function inviteByEmail({ ctx, mailer, actor, input, inviterName }: { ctx: AppContext; mailer: Mailer; actor: Actor; input: InvitationInput; inviterName: string }) {
  const invited = await inviteStaff({ ctx, actor, input });
  await sendStaffEmail({
    mailer,
    to: invited.staff.email,
    kind: 'invitation',
    language: input.language,
    staffName: invited.staff.displayName,
    organisation: invited.centreName,
    inviterName,
    link: invited.link,
    validMinutes: LINK_VALIDITY_MINUTES.invitation,
  });
  return invited.staff;
}

/** Sends a staff e-mail; a mail server that refuses it is a 503 the page explains (nothing else changed). */
export async function sendStaffEmail({ mailer, to, ...content }: { mailer: Mailer; to: string } & Parameters<typeof renderStaffEmail>[0]) {
  const message = renderStaffEmail(content);
  try {
    await mailer.send({ to, subject: message.subject, html: message.html, text: message.text });
  } catch {
    throw new HttpProblem({ status: 503, type: problemType('mail-unavailable'), title: 'Service Unavailable', detail: 'The e-mail could not be sent just now; try again in a few minutes.' });
  }
}

/** The link's staff member, the link used up: a link works once (two tabs racing: the second finds it used). */
async function consumeLink(ctx: AppContext, { token, purpose }: { token: string; purpose: StaffLinkPurpose }) {
  const now = ctx.clock.now();
  const found = await repository.findUsableLink(ctx.db, { tokenHash: tokenHash(token), purpose, now });
  if (!found || found.staff.state === 'removed' || !(await repository.useLink(ctx.db, found.link.id, now))) return null;
  return found;
}

/** Whether a link is still usable, without using it (the landing page asks before it acts: mail scanners follow links). */
export async function peekLink({ ctx, token, purpose }: { ctx: AppContext; token: string; purpose: StaffLinkPurpose }) {
  const found = await repository.findUsableLink(ctx.db, { tokenHash: tokenHash(token), purpose, now: ctx.clock.now() });
  return found && found.staff.state !== 'removed' ? found.staff : null;
}

/** Accepts an invitation: the account becomes active and a session begins. Null when the link is unknown, used or expired. */
export async function acceptInvitation({ ctx, token, userAgent, requestId }: { ctx: AppContext; token: string; userAgent?: string; requestId: string }) {
  const found = await consumeLink(ctx, { token, purpose: 'invitation' });
  if (!found) return null;
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await repository.updateStaff(tx, found.staff.id, { state: 'active', activatedAt: found.staff.activatedAt ?? now });
    await recordAction({ db: tx, actor: { kind: 'staff', clientUuid: null, clientId: null, staffId: found.staff.id, centreId: found.staff.centreId, centreSlug: found.staff.centreSlug, scopes: new Set(), requestId }, action: 'staff.joined', centreId: found.staff.centreId, target: `staff:${found.staff.id}` });
  });
  return startSession({ ctx, staff: found.staff, method: 'email-link', userAgent });
}

/**
 * E-mails a sign-in link to the address if it has an active account (at most SIGN_IN_LINKS_PER_HOUR an hour). The
 * caller answers the same whatever happened, so the form cannot tell who has an account.
 */
export async function requestSignInLink({ ctx, mailer, email, language }: { ctx: AppContext; mailer: Mailer; email: string; language: Language }): Promise<void> {
  const staff = await repository.findStaffByEmail(ctx.db, normaliseEmail(email));
  if (!staff || staff.state !== 'active') return;
  const since = new Date(ctx.clock.now().getTime() - 3600_000);
  if ((await repository.countLinksSince(ctx.db, { staffId: staff.id, purpose: 'sign-in', since })) >= SIGN_IN_LINKS_PER_HOUR) return;
  const link = await issueLink(ctx, ctx.db, { staffId: staff.id, purpose: 'sign-in' });
  await sendStaffEmail({ mailer, to: staff.email, kind: 'sign-in', language, staffName: staff.displayName, organisation: await organisationName(ctx, staff, language), link, validMinutes: LINK_VALIDITY_MINUTES['sign-in'] });
}

/** Signs in with an e-mailed link: a new session, or null when the link is unknown, used or expired. */
export async function signInWithLink({ ctx, token, userAgent }: { ctx: AppContext; token: string; userAgent?: string }) {
  const found = await consumeLink(ctx, { token, purpose: 'sign-in' });
  if (!found || found.staff.state !== 'active') return null;
  return startSession({ ctx, staff: found.staff, method: 'email-link', userAgent });
}

/** E-mails a confirmation link for a sensitive action; it confirms this session only. */
export async function requestConfirmationLink({ ctx, mailer, staff, sessionId, language }: { ctx: AppContext; mailer: Mailer; staff: StaffWithCentre; sessionId: string; language: Language }) {
  const link = await issueLink(ctx, ctx.db, { staffId: staff.id, purpose: 'confirmation', sessionId });
  await sendStaffEmail({ mailer, to: staff.email, kind: 'confirmation', language, staffName: staff.displayName, organisation: await organisationName(ctx, staff, language), link, validMinutes: LINK_VALIDITY_MINUTES.confirmation });
}

/** Uses a confirmation link: true when it was issued for `sessionId` (another browser's link confirms nothing). */
export async function confirmWithLink({ ctx, token, sessionId }: { ctx: AppContext; token: string; sessionId: string }): Promise<boolean> {
  const found = await repository.findUsableLink(ctx.db, { tokenHash: tokenHash(token), purpose: 'confirmation', now: ctx.clock.now() });
  if (!found || found.link.sessionId !== sessionId) return false;
  return repository.useLink(ctx.db, found.link.id, ctx.clock.now());
}

/** The name staff e-mails give: the centre's in the language (else English, else any), or the platform's for admins. */
export async function organisationName(ctx: AppContext, staff: { centreId: string | null }, language: Language): Promise<string> {
  if (!staff.centreId) return ctx.config.platform.name;
  const centre = await ctx.lookups.centre(staff.centreId);
  return centre ? pickLocalized(centre.name, language).value : ctx.config.platform.name;
}

const lastHolder = (role: StaffRole) =>
  new HttpProblem({
    status: 409,
    type: problemType(role === 'admin' ? 'last-admin' : 'last-manager'),
    title: 'Conflict',
    detail: role === 'admin' ? 'This is the last platform admin: invite another admin first.' : 'This is the centre\'s last manager: make someone else a manager first.',
  });

/**
 * Removes a staff member: their sessions end at once and their links stop working; the record stays for the audit
 * trail. The last manager of a centre and the last platform admin cannot be removed (nor demoted: changeRole).
 */
export async function removeStaff({ ctx, principal, staffId }: { ctx: AppContext; principal: Principal; staffId: string }) {
  const staff = await managedStaff({ ctx, principal, staffId });
  await ctx.db.transaction(async (tx) => {
    if (staff.state === 'active' && (staff.role === 'manager' || staff.role === 'admin')) {
      const holders = await repository.lockActiveHolders(tx, { centreId: staff.centreId, role: staff.role });
      if (holders.length <= 1 && holders.includes(staff.id)) throw lastHolder(staff.role);
    }
    const now = ctx.clock.now();
    await repository.updateStaff(tx, staff.id, { state: 'removed', removedAt: now });
    const sessions = await repository.endSessionsOf(tx, staff.id, now);
    for (const purpose of ['invitation', 'sign-in', 'confirmation'] as const) await repository.retireLinks(tx, { staffId: staff.id, purpose, at: now });
    await recordAction({ db: tx, actor: principal, action: 'staff.removed', centreId: staff.centreId, target: `staff:${staff.id}`, details: { role: staff.role, endedSessions: sessions } });
  });
}

/** Changes a centre staff member's role (not the last manager's to something less). */
export async function changeRole({ ctx, principal, staffId, role }: { ctx: AppContext; principal: Principal; staffId: string; role: (typeof CENTRE_ROLES)[number] }) {
  const staff = await managedStaff({ ctx, principal, staffId });
  if (staff.role === 'admin') throw forbidden('A platform admin has no centre role.');
  if (staff.role === role) return staff;
  await ctx.db.transaction(async (tx) => {
    if (staff.role === 'manager' && staff.state === 'active') {
      const holders = await repository.lockActiveHolders(tx, { centreId: staff.centreId, role: 'manager' });
      if (holders.length <= 1) throw lastHolder('manager');
    }
    await repository.updateStaff(tx, staff.id, { role });
    await recordAction({ db: tx, actor: principal, action: 'staff.role-changed', centreId: staff.centreId, target: `staff:${staff.id}`, details: { before: staff.role, after: role } });
  });
  return { ...staff, role };
}

/** "Sign out everywhere": every session of the staff member ends, this one included. */
export async function endAllSessions({ ctx, staffId, principal }: { ctx: AppContext; staffId: string; principal: Principal }) {
  await ctx.db.transaction(async (tx) => {
    const ended = await repository.endSessionsOf(tx, staffId, ctx.clock.now());
    await recordAction({ db: tx, actor: principal, action: 'staff.signed-out-everywhere', centreId: principal.centreId, target: `staff:${staffId}`, details: { endedSessions: ended } });
  });
}

export const listCentreStaff = ({ ctx, centreId }: { ctx: AppContext; centreId: string | null }) => repository.listStaff(ctx.db, centreId);
