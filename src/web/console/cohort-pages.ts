import { type Language, LANGUAGES } from '../../lib/i18n.js';
import { type Fragment, html } from '../html.js';
import { formatDate, formatList, formatNumber } from '../language.js';
import { pageMessages } from '../messages/index.js';
import type { CourseOption } from './credential-pages.js';
import { type ConsoleViewer, csrfField, checkboxField, described, errorSummary, field, notice, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

type BatchStateName = 'queued' | 'running' | 'completed' | 'completed-with-errors' | 'cancelled';

/** A batch as the console shows it: the API's view of it. */
export interface ConsoleBatch {
  id: string;
  state: BatchStateName;
  fileName: string | null;
  deliver: boolean;
  createdAt: string;
  totals: { rows: number; pending: number; issued: number; alreadyIssued: number; failed: number; cancelled: number };
  deliveries: { queued: number; sent: number; failed: number };
}

/** One row of a checked upload with what is wrong with it, each issue at its column where it has one. */
export interface ReportRow {
  row: number;
  values: Partial<Record<'name' | 'email' | 'achievementId' | 'language' | 'externalId', string>>;
  issues: { column: string | null; severity: 'error' | 'warning'; message: string }[];
}

export interface UploadReport {
  totalRows: number;
  toIssue: number;
  alreadyIssued: number;
  invalidRows: number;
  unknownColumns: string[];
}

interface PageBase {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
}

const unfinished = (state: BatchStateName) => state === 'queued' || state === 'running';
const count = (value: number, language: Language) => formatNumber(value, language);

/** GET /console/cohorts: the upload form (a file, the course of rows naming none, e-mail or not) and the centre's batches. */
export function renderCohortsPage({
  language,
  platformName,
  viewer,
  courses,
  maxRows,
  batches,
  nextCursor,
  firstPage,
  values = {},
  errors = [],
}: PageBase & { courses: CourseOption[]; maxRows: number; batches: ConsoleBatch[]; nextCursor: string | null; firstPage: boolean; values?: { course?: string; deliver?: string }; errors?: { field: string; message: string }[] }): string {
  const text = consoleMessages(language);
  const words = text.cohorts;
  const fileError = errors.find((error) => error.field === 'file')?.message;
  const fileHint = words.fileHint({ rows: count(maxRows, language) });
  const templates = LANGUAGES.flatMap((code) =>
    (['xlsx', 'csv'] as const).map((format) => html`<li><a href="/api/v1/batches/template?language=${code}&amp;format=${format}" download>${words.templateIn({ language: pageMessages(code).languageName, format: format.toUpperCase() })}</a></li>`),
  );
  const rows = batches.map(
    (batch) =>
      html`<tr><td><a href="/console/cohorts/${batch.id}?lang=${language}"><bdi>${batch.fileName ?? words.unnamedFile}</bdi></a></td><td>${formatDate(batch.createdAt, language, true)}</td><td>${count(batch.totals.rows, language)}</td><td>${words.states[batch.state]}</td></tr>`,
  );
  const pager = html`<nav class="pager" aria-label="${text.common.pagination}">${firstPage ? html`<span></span>` : html`<a href="/console/cohorts?lang=${language}">${text.common.newer}</a>`}${nextCursor ? html`<a href="/console/cohorts?lang=${language}&amp;cursor=${nextCursor}">${text.common.older}</a>` : ''}</nav>`;
  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: '/console/cohorts',
    viewer,
    section: 'cohorts',
    main: html`<h1>${words.title}</h1>${errorSummary(language, errors)}<p>${words.intro}</p>
<section aria-labelledby="upload-heading"><h2 id="upload-heading">${words.uploadHeading}</h2>
<form method="post" action="/console/cohorts?lang=${language}" enctype="multipart/form-data">${csrfField(viewer.csrfToken)}
${field({ id: 'file', label: words.file, hint: fileHint, error: fileError, control: html`<input type="file" id="file" name="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"${described('file', { hint: fileHint, error: fileError })}>` })}
${field({ id: 'course', label: words.course, control: html`<select id="course" name="course"><option value="">${words.courseFromFile}</option>${courses.map((course) => html`<option value="${course.id}"${course.id === values.course ? html` selected` : ''}>${course.label}</option>`)}</select>` })}
${checkboxField({ id: 'deliver', value: 'on', label: words.deliver, checked: values.deliver !== 'off' })}
<p class="actions"><button type="submit" class="primary">${words.check}</button></p></form>
<p>${words.templates}</p><ul class="actions">${templates}</ul></section>
<section aria-labelledby="list-heading"><h2 id="list-heading">${words.listHeading}</h2>${
      batches.length
        ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${words.fileName}</th><th scope="col">${words.uploaded}</th><th scope="col">${words.rows}</th><th scope="col">${words.state}</th></tr></thead><tbody>${rows}</tbody></table></div>${pager}`
        : html`<p>${words.noBatches}</p>`
    }</section>`,
  });
}

/** A table cell of a checked row: the value, and under it the issues of that column, marked. */
function reportCell(value: string | undefined, issues: ReportRow['issues'], language: Language) {
  const words = consoleMessages(language).cohorts;
  const marked = issues.length > 0;
  return html`<td${marked ? html` class="cell-issue"` : ''}>${value ? html`<bdi>${value}</bdi>` : ''}${issues.map(
    (issue) => html`<p class="${issue.severity === 'error' ? 'field-error' : 'muted'}">${issue.severity === 'warning' ? words.warning({ message: issue.message }) : issue.message}</p>`,
  )}</td>`;
}

const REPORT_COLUMNS = ['name', 'email', 'achievementId', 'language', 'externalId'] as const;

/**
 * The dry run of an upload: the figures, the rows with something to fix (each issue in the cell of its column),
 * and the confirmation (with "issue the others" when some rows cannot be issued).
 */
export function renderUploadReportPage({
  language,
  platformName,
  viewer,
  uploadId,
  fileName,
  report,
  rows,
  shownOf,
  error,
}: PageBase & { uploadId: string; fileName: string | null; report: UploadReport; rows: ReportRow[]; shownOf: number; error?: string }): string {
  const text = consoleMessages(language);
  const words = text.cohorts;
  const headings = { name: text.issue.name, email: text.issue.email, achievementId: text.issue.course, language: text.issue.language, externalId: text.issue.externalId };
  const table = rows.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${words.row}</th>${REPORT_COLUMNS.map((column) => html`<th scope="col">${headings[column]}</th>`)}<th scope="col">${words.problems}</th></tr></thead><tbody>${rows.map(
        (row) =>
          html`<tr><th scope="row">${count(row.row, language)}</th>${REPORT_COLUMNS.map((column) => reportCell(row.values[column], row.issues.filter((issue) => issue.column === column), language))}${reportCell(undefined, row.issues.filter((issue) => !issue.column || !(REPORT_COLUMNS as readonly string[]).includes(issue.column)), language)}</tr>`,
      )}</tbody></table></div>${shownOf > rows.length ? html`<p class="muted">${words.showing({ shown: count(rows.length, language), total: count(shownOf, language) })}</p>` : ''}`
    : html`<p>${words.noIssues}</p>`;
  const figure = (value: number, label: string) => html`<li><strong>${count(value, language)}</strong>${label}</li>`;
  const confirm =
    report.toIssue > 0
      ? html`<form method="post" action="/console/cohorts/uploads/${uploadId}/confirm?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}${
          report.invalidRows > 0
            ? checkboxField({ id: 'skipInvalid', value: 'on', label: words.skipInvalid, error })
            : ''
        }<p class="actions"><button type="submit" class="primary" data-once>${words.confirm({ count: count(report.toIssue, language) })}</button> <a class="button" href="/console/cohorts?lang=${language}">${words.uploadAgain}</a></p></form>`
      : html`<p>${words.nothingToIssue}</p><p><a class="button" href="/console/cohorts?lang=${language}">${words.uploadAgain}</a></p>`;
  return renderConsolePage({
    language,
    platformName,
    title: words.reportTitle,
    path: `/console/cohorts/uploads/${uploadId}`,
    viewer,
    section: 'cohorts',
    main: html`<h1>${words.reportTitle}</h1>${errorSummary(language, error ? [{ field: 'skipInvalid', message: error }] : [])}<p>${fileName ? html`<bdi>${fileName}</bdi> — ` : ''}${words.reportIntro}</p>
<ul class="stats">${figure(report.totalRows, words.figures.totalRows)}${figure(report.toIssue, words.figures.toIssue)}${figure(report.alreadyIssued, words.figures.alreadyIssued)}${figure(report.invalidRows, words.figures.invalidRows)}</ul>
${report.unknownColumns.length ? html`<p class="card">${words.unknownColumns({ columns: formatList(report.unknownColumns, language) })}</p>` : ''}
<section aria-labelledby="rows-heading"><h2 id="rows-heading">${words.rowsHeading}</h2>${table}</section>
<section>${confirm}</section>`,
  });
}

/**
 * A batch: while it runs, a progress bar that moves (the script polls its JSON) or, without the script, a page that
 * refreshes itself; when finished, its totals, e-mails, the rows not issued, the results download and the re-send.
 */
export function renderBatchPage({
  language,
  platformName,
  viewer,
  batch,
  failures,
  message,
}: PageBase & { batch: ConsoleBatch; failures: { row: number; name: string | null; error: string | null }[]; message?: string }): string {
  const text = consoleMessages(language);
  const words = text.cohorts;
  const { totals } = batch;
  const done = totals.rows - totals.pending;
  const running = unfinished(batch.state);
  const name = batch.fileName ?? words.unnamedFile;
  const may = (permission: string) => viewer.permissions.has(permission);
  const progressText = words.progressText({ done: count(done, language), total: count(totals.rows, language) });
  const figures: Fragment[] = (['issued', 'alreadyIssued', 'failed', 'cancelled', 'pending'] as const)
    .filter((key) => totals[key] > 0 || key === 'issued')
    .map((key) => html`<li><strong>${count(totals[key], language)}</strong>${words.totals[key]}</li>`);
  const mail = batch.deliver
    ? html`<section aria-labelledby="mail-heading"><h2 id="mail-heading">${words.deliveries.heading}</h2><ul class="stats">${(['sent', 'queued', 'failed'] as const).map((key) => html`<li><strong>${count(batch.deliveries[key], language)}</strong>${words.deliveries[key]}</li>`)}</ul>${
        batch.deliveries.failed > 0 && may('credentials:issue')
          ? html`<form method="post" action="/console/cohorts/${batch.id}/resend?lang=${language}">${csrfField(viewer.csrfToken)}<p class="actions"><button type="submit" data-once>${words.resend({ count: count(batch.deliveries.failed, language) })}</button></p></form>`
          : ''
      }</section>`
    : '';
  return renderConsolePage({
    language,
    platformName,
    title: words.batchTitle({ name }),
    path: `/console/cohorts/${batch.id}`,
    viewer,
    section: 'cohorts',
    refreshSeconds: running ? 5 : undefined,
    main: html`<h1>${words.batchTitle({ name })}</h1>${notice(message)}
<section aria-labelledby="progress-heading"><h2 id="progress-heading">${words.states[batch.state]}</h2>
<label for="progress">${words.progressLabel}</label><progress id="progress" max="${String(Math.max(totals.rows, 1))}" value="${String(done)}" aria-describedby="progress-text"${running ? html` data-progress="/console/cohorts/${batch.id}/progress?lang=${language}"` : ''}>${progressText}</progress>
<p id="progress-text" role="status">${progressText}</p>${running ? html`<p class="muted">${words.refreshes}</p>` : ''}
<ul class="stats">${figures}</ul>
<p><a href="/console/cohorts/${batch.id}/results.csv?lang=${language}" download>${words.results}</a></p>${
      running && may('credentials:issue')
        ? html`<form method="post" action="/console/cohorts/${batch.id}/cancel?lang=${language}">${csrfField(viewer.csrfToken)}<p class="actions"><button type="submit" class="danger">${words.cancel}</button></p></form>`
        : ''
    }</section>
${mail}
${failures.length ? html`<section aria-labelledby="failed-heading"><h2 id="failed-heading">${words.failedRows}</h2><div class="table-wrap"><table><thead><tr><th scope="col">${words.row}</th><th scope="col">${text.issue.name}</th><th scope="col">${words.problems}</th></tr></thead><tbody>${failures.map((row) => html`<tr><th scope="row">${count(row.row, language)}</th><td><bdi>${row.name ?? ''}</bdi></td><td>${row.error ?? ''}</td></tr>`)}</tbody></table></div></section>` : ''}`,
  });
}
