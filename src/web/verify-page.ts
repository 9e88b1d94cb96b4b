import type { Language } from '../lib/i18n.js';
import type { VerificationReport } from '../vc/verification-report.js';
import { renderReport } from './credential-page.js';
import type { CredentialDescription } from './credential-text.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { pageMessages } from './messages/index.js';
import { formatSize } from './problem-text.js';

export interface VerifyPageState {
  language: Language;
  platformName: string;
  /** the largest upload accepted, in bytes (shown as a hint) */
  uploadLimit: number;
  /** what the visitor entered, given back so a mistake is corrected rather than retyped */
  entered?: { code?: string; json?: string };
  /** a localised explanation of why the submission could not be verified */
  error?: string;
  result?: { report: VerificationReport; description: CredentialDescription };
}

/** The form for a code or a link (the verify page's first, and the home page's): posts to /verify. */
export function codeForm(language: Language, entered = '', describedBy = 'code-hint') {
  const v = pageMessages(language).verify;
  return html`<form method="post" action="/verify?lang=${language}"><label for="code">${v.codeLabel}</label><p class="hint" id="code-hint">${v.codeHint}</p><input id="code" name="code" type="text" dir="ltr" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="2000" value="${entered}" aria-describedby="${describedBy}">
<p><button class="primary" type="submit">${v.submit}</button></p></form>`;
}

/**
 * GET/POST /verify: two plain forms (a code or link; pasted or uploaded JSON), then the error or the report.
 * Works without JavaScript; the error is linked to the fields (aria-describedby) and placed before them.
 */
export function renderVerifyPage({ language, platformName, uploadLimit, entered = {}, error, result }: VerifyPageState): string {
  const text = pageMessages(language);
  const v = text.verify;
  const errorBox = error
    ? html`<section class="error" role="alert" aria-labelledby="problem"><h2 id="problem">${text.errors.title}</h2><p id="problem-text">${error}</p></section>`
    : '';
  const describedBy = (hint: string) => (error ? `${hint} problem-text` : hint);
  const forms = html`<section aria-label="${v.codeLabel}">
${codeForm(language, entered.code, describedBy('code-hint'))}</section>
<section aria-label="${v.pasteLabel}">
<form method="post" action="/verify?lang=${language}" enctype="multipart/form-data"><label for="json">${v.pasteLabel}</label><p class="hint" id="json-hint">${v.pasteHint}</p><textarea id="json" name="json" dir="ltr" spellcheck="false" aria-describedby="${describedBy('json-hint')}">${entered.json ?? ''}</textarea>
<label for="file">${v.fileLabel}</label><p class="hint" id="file-hint">${v.fileHint({ size: formatSize(uploadLimit, language) })}</p><input id="file" name="file" type="file" accept=".json,application/json,application/vc,application/ld+json" aria-describedby="file-hint">
<p><button class="primary" type="submit">${v.submit}</button></p></form><p class="muted">${v.privacy}</p></section>`;
  const main = result
    ? html`${renderReport({ ...result, language, platformName })}<h2>${text.actions.verifyAnother}</h2>${forms}`
    : html`<h1>${v.title}</h1><p>${v.intro}</p>${errorBox}${forms}`;
  return renderPage({ language, title: result ? text.verdicts[result.report.verdict].title : v.title, path: '/verify', platformName, main });
}
