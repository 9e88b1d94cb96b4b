import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderErrorPage } from './error-page.js';
import { pageLanguage } from './language.js';
import { type PageProblem, problemText, problemTitle } from './problem-text.js';
import { pageCatalogues } from './messages/index.js';
import { PAGE_CONTENT_SECURITY_POLICY } from './scripts.js';
import { STYLESHEET } from './styles.js';

/**
 * Changes whenever the words or the stylesheet of the pages change (a new release), so a browser revalidating a
 * page after a deployment gets the new one rather than a 304. The same on every replica of a release.
 */
export const PAGE_TEMPLATE_VERSION = createHash('sha256')
  .update(STYLESHEET)
  .update(JSON.stringify(pageCatalogues, (_key, value: unknown) => (typeof value === 'function' ? String(value) : value)))
  .digest('base64url')
  .slice(0, 16);

/** How a route answers errors: always as a page (/verify), or as a page only for browsers (negotiated documents). */
export type PageMode = 'always' | 'negotiated';

declare module 'fastify' {
  interface FastifyContextConfig {
    page?: PageMode;
  }
}

/**
 * DESIGN §4 content negotiation: `?format=html|json` decides; otherwise HTML only when the client ranks text/html
 * above JSON (browsers do), so `*∕*`, JSON and application/vc clients get the document.
 */
export function prefersHtml(request: FastifyRequest): boolean {
  const format = (request.query as Record<string, unknown> | undefined)?.format;
  if (format === 'html' || format === 'json') return format === 'html';
  return request.accepts().type(['application/json', 'text/html']) === 'text/html';
}

/** Whether an error on this request is shown as a page rather than problem+json. */
export function wantsErrorPage(request: FastifyRequest): boolean {
  const mode = request.routeOptions.config?.page;
  if (mode === 'always') return true;
  // unknown paths outside the APIs are negotiated too, so a mistyped page link shows a page
  const negotiated = mode === 'negotiated' || (!request.routeOptions.url && !/^\/(api|oauth|credentials\/issue|credentials\/verify|presentations)\b/.test(request.url));
  return negotiated && prefersHtml(request);
}

/** Headers every page carries: HTML, its content policy, no indexing, no referrer leaking a credential's link. */
export function preparePageReply(reply: FastifyReply) {
  return reply
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY)
    .header('X-Robots-Tag', 'noindex, nofollow')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer');
}

/** A problem as a localised page, with the problem's own status. */
export function sendErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: PageProblem,
  { platformName, uploadLimit }: { platformName: string; uploadLimit: number },
) {
  const language = pageLanguage(request, reply);
  const message = problemText(problem, language, { requestId: String(request.id), uploadLimit });
  const path = request.url.split('?')[0] ?? '/';
  return preparePageReply(reply)
    .status(problem.status)
    .header('Cache-Control', 'no-store')
    .send(renderErrorPage({ language, platformName, message, path, title: problemTitle(problem, language) }));
}
