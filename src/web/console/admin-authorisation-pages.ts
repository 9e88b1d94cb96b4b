import { html } from '../html.js';
import { formatDate } from '../language.js';
import { type AdminPageBase, errorIn, type FormErrors, pager, postForm, queryOf, reasonField, renderAdminPage, selectOptions, table } from './admin-pages.js';
import { described, errorSummary, field, notice } from './layout.js';
import { consoleMessages } from './messages/index.js';

/** An authorisation as the platform's page lists it (the API's view, the names in the reader's language). */
export interface AdminAuthorisation {
  id: string;
  centre: string;
  centreName: string;
  courseName: string;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  status: 'scheduled' | 'active' | 'expired' | 'revoked';
}

/** The grant form as typed. */
export interface GrantForm {
  centre?: string;
  course?: string;
  from?: string;
  until?: string;
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * GET /console/admin/authorisations: the authorisations (filtered by centre and course, 25 a page), each in force or
 * to come with a revocation form, and the grant form.
 */
export function renderAuthorisationsPage({
  language,
  platformName,
  viewer,
  filter,
  centres,
  courses,
  items,
  firstPage,
  nextCursor,
  grant = {},
  errors = [],
  message,
}: AdminPageBase & {
  filter: { centre?: string; course?: string };
  centres: Choice[];
  courses: Choice[];
  items: AdminAuthorisation[];
  firstPage: boolean;
  nextCursor: string | null;
  grant?: GrantForm;
  errors?: FormErrors;
  message?: string;
}): string {
  const text = consoleMessages(language);
  const words = text.admin.authorisations;
  const errorOf = errorIn(errors);
  const base = { lang: language, centre: filter.centre, course: filter.course };
  const rows = items.map((item) => {
    const open = item.status === 'active' || item.status === 'scheduled';
    const revokeLink = open
      ? html`<a class="button danger" href="/console/admin/authorisations/${item.id}/revoke?${queryOf(base)}" aria-label="${words.revokeLabel({ centre: item.centreName, course: item.courseName })}">${words.revoke}</a>`
      : '';
    return html`<tr><td><a href="/console/admin/centres/${item.centre}?lang=${language}"><bdi>${item.centreName}</bdi></a></td><td><bdi>${item.courseName}</bdi></td><td>${formatDate(item.validFrom, language)}</td><td>${item.validUntil ? formatDate(item.validUntil, language) : words.openEnded}</td><td>${words.states[item.status]}${
      item.revokedAt && item.revocationReason ? html`<br><span class="muted">${words.revoked({ date: formatDate(item.revokedAt, language), reason: item.revocationReason })}</span>` : ''
    }</td><td>${revokeLink}</td></tr>`;
  });
  const select = (id: string, name: string, label: string, choices: Choice[], selected: string | undefined, empty: string) =>
    field({ id, label, error: errorOf(id), control: html`<select id="${id}" name="${name}"${described(id, { error: errorOf(id) })}>${selectOptions([{ value: '', label: empty }, ...choices], selected)}</select>` });
  const date = (id: string, name: 'from' | 'until', label: string, hint: string) =>
    field({ id, label, hint, error: errorOf(id), control: html`<input type="date" id="${id}" name="${name}" value="${grant[name] ?? ''}"${described(id, { hint, error: errorOf(id) })}>` });
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'authorisations',
    title: text.admin.areas.authorisations,
    path: '/console/admin/authorisations',
    main: html`<h1>${text.admin.areas.authorisations}</h1>${errorSummary(language, errors)}${notice(message)}<p>${words.intro}</p>
<section aria-labelledby="list-heading"><h2 id="list-heading">${text.admin.areas.authorisations}</h2><form method="get" action="/console/admin/authorisations"><input type="hidden" name="lang" value="${language}"><div class="form-grid">
${select('filter-centre', 'centre', words.centre, centres, filter.centre, words.anyCentre)}${select('filter-course', 'course', words.course, courses, filter.course, words.anyCourse)}</div>
<p class="actions"><button type="submit">${words.filter}</button> <a class="button" href="/console/admin/authorisations?lang=${language}">${words.clear}</a></p></form>
${items.length ? table([words.centre, words.course, words.from, words.until, words.state, ''], rows) : html`<p>${words.none}</p>`}${pager(language, {
      firstPage,
      first: `/console/admin/authorisations?${queryOf(base)}`,
      next: nextCursor ? `/console/admin/authorisations?${queryOf({ ...base, cursor: nextCursor })}` : null,
    })}</section>
<section aria-labelledby="grant-heading"><h2 id="grant-heading">${words.grantHeading}</h2>${postForm(
      viewer,
      `/console/admin/authorisations?lang=${language}`,
      html`<div class="form-grid">${select('grant-centre', 'centre', words.centre, centres, grant.centre, words.chooseCentre)}${select('grant-course', 'course', words.course, courses, grant.course, words.chooseCourse)}
${date('grant-from', 'from', words.from, words.fromHint)}${date('grant-until', 'until', words.until, words.untilHint)}</div><p class="actions"><button type="submit" class="primary">${words.grant}</button></p>`,
      html` novalidate`,
    )}</section>`,
  });
}

/** GET /console/admin/authorisations/:id/revoke: which authorisation, what revoking it does, and a required reason. */
export function renderRevokeAuthorisationPage({
  language,
  platformName,
  viewer,
  authorisation,
  back,
  reason = '',
  error,
}: AdminPageBase & { authorisation: AdminAuthorisation; back: { centre?: string; course?: string }; reason?: string; error?: string }): string {
  const text = consoleMessages(language);
  const words = text.admin.authorisations;
  const query = queryOf({ lang: language, ...back });
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'authorisations',
    title: words.revokeTitle,
    path: `/console/admin/authorisations/${authorisation.id}/revoke`,
    main: html`<h1>${words.revokeTitle}</h1>${errorSummary(language, error ? [{ field: 'reason', message: error }] : [])}
<section><dl><dt>${words.centre}</dt><dd><bdi>${authorisation.centreName}</bdi></dd><dt>${words.course}</dt><dd><bdi>${authorisation.courseName}</bdi></dd><dt>${words.from}</dt><dd>${formatDate(authorisation.validFrom, language)}</dd><dt>${words.until}</dt><dd>${authorisation.validUntil ? formatDate(authorisation.validUntil, language) : words.openEnded}</dd></dl>
<p>${words.revokeText}</p>${postForm(
      viewer,
      `/console/admin/authorisations/${authorisation.id}/revoke?${query}`,
      html`${reasonField(language, { id: 'reason', value: reason, error })}<p class="actions"><button type="submit" class="primary danger">${words.revokeButton}</button> <a class="button" href="/console/admin/authorisations?${query}">${text.common.cancel}</a></p>`,
      html` novalidate`,
    )}</section>`,
  });
}
