import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Language, pickLocalized } from '../../lib/i18n.js';
import { HttpProblem } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { reasonBodySchema } from '../centres/schemas.js';
import { listVisibleCentres } from '../centres/service.js';
import { displayText } from '../credentials/schemas.js';
import { consoleLanguage } from './access.js';
import { problemMessage } from './pages.js';

// What the platform admin's routes share: who may reach them, their query and form shapes, the reason and invitation
// checks (the API's own schemas), and the centres every filter offers.

/** Only a platform admin holds registry:admin: every route of the platform's pages asks for it. */
export const ADMIN = { access: 'registry:admin' } as const;
export const PAGE_SIZE = 25;

export const adminQuery = z.object({
  lang: z.string().max(100).optional(),
  remember: z.string().max(100).optional(),
  done: z.string().max(30).optional(),
  cursor: z.string().max(500).optional(),
});

/** A form's body: its CSRF field and its fields, each an optional string (what a browser sends). */
export const form = <T extends readonly string[]>(fields: T) =>
  z.object({ _csrf: z.string(), ...Object.fromEntries(fields.map((name) => [name, z.string().max(10_000).optional()])) }) as unknown as z.ZodType<{ _csrf: string } & Partial<Record<T[number], string>>>;

export type FormErrors = { field: string; message: string }[];

/** The reason of a change as the API reads it (displayText(500)), or undefined when it would be refused. */
export function readReason(value: string | undefined): string | undefined {
  const parsed = reasonBodySchema.shape.reason.safeParse(value ?? '');
  return parsed.success ? parsed.data : undefined;
}

/** The invitation form's name and address as the services take them, or the fields at fault. */
export function readInvitation(body: { name?: string; email?: string; language?: string }, language: Language): { input?: { name: string; email: string; language: Language }; errors: FormErrors } {
  const invalid = consoleMessages(language).settings.invalid;
  const name = displayText(200).safeParse(body.name ?? '');
  const email = z.email().max(254).safeParse((body.email ?? '').trim());
  const errors = [...(name.success ? [] : [{ field: 'invite-name', message: invalid.name }]), ...(email.success ? [] : [{ field: 'invite-email', message: invalid.email }])];
  if (!name.success || !email.success) return { errors };
  const chosen = body.language === 'fr' || body.language === 'ar' || body.language === 'zh' ? body.language : 'en';
  return { input: { name: name.data, email: email.data, language: chosen }, errors };
}

/** A service's refusal of an invitation (the address has an account, the mail server is down) at the address field. */
export function invitationRefusal(error: unknown, language: Language): { errors: FormErrors; status: number } {
  if (!(error instanceof HttpProblem) || (error.status >= 500 && error.status !== 503)) throw error;
  return { errors: [{ field: 'invite-email', message: problemMessage(language, error) }], status: error.status === 503 ? 503 : 422 };
}

/** Every centre (slug and name in the reader's language), for the filters and the grant form. */
export async function centreChoices({ ctx, principal, language }: { ctx: AppContext; principal: Principal; language: Language }) {
  const centres: { slug: string; did: string; name: string; id: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listVisibleCentres({ ctx, principal, limit: 100, cursor });
    centres.push(...page.items.map((centre) => ({ id: centre.id, slug: centre.slug, did: centre.did, name: pickLocalized(centre.name, language).value })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return centres.sort((a, b) => a.name.localeCompare(b.name, language));
}

/** After a change: back to `path` with what happened said at its top. */
export function doneRedirect(request: FastifyRequest, reply: FastifyReply, path: string, what: string, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ lang: consoleLanguage(request, reply), ...extra, done: what });
  return reply.redirect(`${path}?${query}`, 303);
}

/** A day as a form's date field gives it (yyyy-mm-dd). */
export const DAY = /^\d{4}-\d{2}-\d{2}$/;
