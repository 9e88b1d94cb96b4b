import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../lib/i18n.js';
import type { HttpProblem } from '../../lib/problem.js';
import { html } from '../../web/html.js';
import { type ConsoleSection, type ConsoleViewer, renderConsolePage } from '../../web/console/layout.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { preparePageReply } from '../../web/respond.js';
import { consoleLanguage, readConsoleSession, viewerOf } from './access.js';

/** The language and viewer of a console request (viewer null when signed out): what every page renders from. */
export async function pageContext(request: FastifyRequest, reply: FastifyReply): Promise<{ language: Language; viewer: ConsoleViewer | null }> {
  const { ctx } = request.server;
  const language = consoleLanguage(request, reply);
  const session = await readConsoleSession(ctx, request);
  return { language, viewer: session ? await viewerOf(ctx, request, language) : null };
}

/** Sends a rendered console page (HTML headers of the pages; the console's own CSP was set by its hook). */
export function sendPage(reply: FastifyReply, body: string, status = 200) {
  const csp = reply.getHeader('Content-Security-Policy');
  preparePageReply(reply);
  if (csp) reply.header('Content-Security-Policy', csp);
  return reply.status(status).send(body);
}

const slugOf = (type: string) => type.slice(type.lastIndexOf('/') + 1);

/** A service's problem in the reader's language where the catalogue has its type, else its English detail. */
export function problemMessage(language: Language, problem: HttpProblem): string {
  return (consoleMessages(language).problems as Record<string, string | undefined>)[slugOf(problem.type)] ?? problem.message;
}

/**
 * A console page explaining why a request was refused: a forged or expired form, a role without the permission,
 * something not found (or another centre's: the same answer), or a service's problem in the reader's language
 * where the catalogue has it (else its English detail).
 */
export async function sendConsoleError(
  request: FastifyRequest,
  reply: FastifyReply,
  { status, kind, problem }: { status: number; kind?: 'csrf' | 'forbidden' | 'not-found' | 'bad-form'; problem?: HttpProblem },
) {
  const { language, viewer } = await pageContext(request, reply);
  const text = consoleMessages(language);
  const known = problem && (text.problems as Record<string, string | undefined>)[slugOf(problem.type)];
  const message = (() => {
    if (kind === 'csrf') return text.errors.csrf;
    if (kind === 'bad-form') return text.errors.badForm;
    if (kind === 'forbidden' || status === 403) return known ?? text.errors.forbidden;
    if (kind === 'not-found' || status === 404) return known ?? text.errors.notFound;
    return problem ? problemMessage(language, problem) : text.errors.forbidden;
  })();
  const title = status === 404 ? text.errors.notFoundTitle : status === 403 ? text.errors.forbiddenTitle : text.errors.problemTitle;
  if (problem?.headers) reply.headers(problem.headers);
  return sendPage(
    reply,
    renderConsolePage({
      language,
      platformName: request.server.ctx.config.platform.name,
      title,
      path: request.url.split('?')[0] ?? '/console',
      viewer,
      main: html`<h1>${title}</h1><section class="error" role="alert"><p>${message}</p></section><p><a href="${viewer ? '/console' : '/console/sign-in'}?lang=${language}">${viewer ? text.nav.dashboard : text.signIn.title}</a></p>`,
    }),
    status,
  );
}

export type { ConsoleSection };
