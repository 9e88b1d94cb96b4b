import type { Language } from '../../lib/i18n.js';
import { type Fragment, html } from '../html.js';
import { renderPage } from '../layout.js';
import { consoleMessages } from './messages/index.js';

/** The signed-in staff member as the console's pages show them: plain data, no module types. */
export interface ConsoleViewer {
  name: string;
  role: 'viewer' | 'issuer' | 'manager' | 'admin';
  /** the centre's name, or the platform's for admins */
  organisation: string;
  /** what the role may do (scopes and staff:manage) */
  permissions: ReadonlySet<string>;
  /** the token every form of this session carries */
  csrfToken: string;
}

export type ConsoleSection = 'dashboard' | 'issue' | 'cohorts' | 'credentials' | 'settings' | 'admin' | 'account';

/** The console's own styles: the navigation, tables, forms, figures and progress. Logical properties, AA contrast. */
export const CONSOLE_STYLES = `
.console-nav{background:#0c2747}
.console-nav .bar{padding-block:.4rem}
.console-nav ul{gap:.25rem 1.1rem}
.console-nav form{display:inline;margin:0}
.console-nav button{padding:.2rem .6rem;border-color:#fff;background:transparent;color:#fff}
.who{font-size:.85rem;color:#dbe6f3;margin:0}
main{max-width:64rem}
.bar{max-width:64rem}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:start;padding:.45rem .5rem;border-block-end:1px solid #e3e7eb;vertical-align:top}
th{color:#46505a;font-weight:600}
.table-wrap{overflow-x:auto}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem;list-style:none;margin:0;padding:0}
.stats li{background:#fff;border:1px solid #d5dbe1;border-radius:.5rem;padding:.75rem 1rem}
.stats strong{display:block;font-size:1.8rem;color:#10325a}
input[type=email],input[type=search],input[type=date],input[type=number],select{font:inherit;padding:.45rem;border:1px solid #6b7680;border-radius:.3rem;max-width:100%}
input[type=email]{width:100%}
select:focus-visible,input:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.form-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:0 1rem}
.field-error{color:#b3261e;font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.error-summary{border:3px solid #b3261e;background:#fff;padding:1rem 1.25rem}
.error-summary h2{color:#b3261e}
.notice{border-inline-start:.5rem solid #17803d;background:#eef8f1}
.danger{border-color:#b3261e;color:#b3261e}
.danger.primary{background:#b3261e;color:#fff}
.inline-form{display:inline}
.tag{display:inline-block;padding:0 .45rem;border-radius:.8rem;font-size:.85rem;border:1px solid}
.tag-active{color:#17803d}.tag-revoked,.tag-erased{color:#b3261e}.tag-suspended,.tag-expired,.tag-superseded{color:#8a5a00}
.pager{display:flex;justify-content:space-between;gap:1rem;margin-block:1rem}
progress{width:100%;height:1.25rem}
.cell-issue{background:#fdf0ef}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
label.inline{display:inline;font-weight:400}
.cell-issue p{margin:.2rem 0 0;font-size:.9rem}
`
  .trim()
  .replace(/\n/g, '');

/** The hidden field every state-changing form carries (checked against the session: see the console's CSRF rule). */
export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

/**
 * A page of the console: the shared page (language, direction, switcher) with the console's navigation for what
 * the viewer may do, the sign-out button, and the console script (passkeys, live progress: enhancements only).
 */
export function renderConsolePage({
  language,
  title,
  path,
  platformName,
  viewer,
  section,
  main,
  refreshSeconds,
}: {
  language: Language;
  title: string;
  path: string;
  platformName: string;
  /** null on the sign-in pages */
  viewer: ConsoleViewer | null;
  section?: ConsoleSection;
  main: Fragment;
  /** a page that follows work in progress reloads itself this often when the script does not run (it polls instead) */
  refreshSeconds?: number;
}): string {
  const text = consoleMessages(language);
  const link = (key: ConsoleSection, href: string, permitted = true) =>
    permitted ? html`<li><a href="${href}?lang=${language}"${section === key ? html` aria-current="page"` : ''}>${text.nav[key]}</a></li>` : '';
  const navigation = viewer
    ? html`<nav class="console-nav" aria-label="${text.nav.label}"><div class="bar"><ul>
${link('dashboard', '/console')}
${link('issue', '/console/issue', viewer.permissions.has('credentials:issue'))}
${link('cohorts', '/console/cohorts', viewer.permissions.has('credentials:issue'))}
${link('credentials', '/console/credentials', viewer.permissions.has('credentials:read'))}
${link('settings', '/console/settings', viewer.permissions.has('staff:manage') && viewer.role !== 'admin')}
${link('admin', '/console/admin', viewer.permissions.has('registry:admin'))}
${link('account', '/console/account')}
<li><form method="post" action="/console/sign-out">${csrfField(viewer.csrfToken)}<button type="submit">${text.nav.signOut}</button></form></li>
</ul><p class="who">${text.signedInAs({ name: viewer.name, role: text.roles[viewer.role], organisation: viewer.organisation })}</p></div></nav>`
    : '';
  return renderPage({
    language,
    title: `${title} · ${text.console}`,
    path,
    platformName,
    home: viewer ? '/console' : '/',
    // the console script sends it with its JSON requests (passkeys); forms carry it as a field
    head: html`${viewer ? html`<meta name="csrf-token" content="${viewer.csrfToken}">` : ''}${refreshSeconds ? html`<noscript><meta http-equiv="refresh" content="${String(refreshSeconds)}"></noscript>` : ''}`,
    navigation,
    styles: CONSOLE_STYLES,
    main,
    scriptSources: ['/console/assets/webauthn.js', '/console/assets/console.js'],
  });
}

/** One form field: its label, hint and error tied to the control (aria-describedby), the control given. */
export function field({ id, label, hint, error, control }: { id: string; label: string; hint?: string; error?: string; control: Fragment }) {
  return html`<div class="field"><label for="${id}">${label}</label>${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}${control}</div>`;
}

/** A checkbox beside its label (not above it, as text fields have theirs), with its error above both. */
export function checkboxField({ id, name = id, value, label, checked = false, required = false, error }: { id: string; name?: string; value: string; label: string; checked?: boolean; required?: boolean; error?: string }) {
  return html`<div class="field">${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}<input type="checkbox" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}${required ? html` required` : ''}${described(id, { error })}> <label class="inline" for="${id}">${label}</label></div>`;
}

/** The describedby and invalid attributes of a control, from its field's hint and error. */
export function described(id: string, { hint, error }: { hint?: string; error?: string }) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${error ? html` aria-invalid="true"` : ''}`;
}

/** The error summary at the top of a form: each error links to its field (WCAG 3.3.1). */
export function errorSummary(language: Language, errors: { field: string; message: string }[]) {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>${consoleMessages(language).common.errorSummary}</h2><ul>${errors.map((error) => html`<li><a href="#${error.field}">${error.message}</a></li>`)}</ul></div>`;
}

/** A short message at the top of a page after an action ("Passkey added."). */
export const notice = (message: string | undefined) => (message ? html`<p class="card notice" role="status">${message}</p>` : '');

const choiceOptions = (choices: { value: string; label: string; lang?: string }[], selected: string | undefined) =>
  choices.map((choice) => html`<option value="${choice.value}"${choice.lang ? html` lang="${choice.lang}"` : ''}${choice.value === (selected ?? '') ? html` selected` : ''}>${choice.label}</option>`);

/**
 * The controls of a form over its values as typed and its errors: each input, textarea or select with its label,
 * hint and error tied to it (the field id is the control's name).
 */
export function formControls<Values extends { [Key in keyof Values]?: string }>(values: Values, errors: { field: string; message: string }[]) {
  type Name = keyof Values & string;
  const errorOf = (name: string) => errors.find((error) => error.field === name)?.message;
  const input = (name: Name, label: string, { type = 'text', hint, max, dir, lang }: { type?: string; hint?: string; max?: number; dir?: string; lang?: string } = {}) =>
    field({
      id: name,
      label,
      hint,
      error: errorOf(name),
      control: html`<input type="${type}" id="${name}" name="${name}" value="${values[name] ?? ''}"${max ? html` maxlength="${String(max)}"` : ''}${dir ? html` dir="${dir}"` : ''}${lang ? html` lang="${lang}"` : ''}${described(name, { hint, error: errorOf(name) })}>`,
    });
  const textarea = (name: Name, label: string, max: number, { hint, dir = 'auto', lang, rows }: { hint?: string; dir?: string; lang?: string; rows?: number } = {}) =>
    field({
      id: name,
      label,
      hint,
      error: errorOf(name),
      control: html`<textarea id="${name}" name="${name}" maxlength="${String(max)}"${rows ? html` rows="${String(rows)}"` : ''} dir="${dir}"${lang ? html` lang="${lang}"` : ''}${described(name, { hint, error: errorOf(name) })}>${values[name] ?? ''}</textarea>`,
    });
  const select = (name: Name, label: string, choices: { value: string; label: string; lang?: string }[], hint?: string) =>
    field({ id: name, label, hint, error: errorOf(name), control: html`<select id="${name}" name="${name}"${described(name, { hint, error: errorOf(name) })}>${choiceOptions(choices, values[name])}</select>` });
  return { input, textarea, select, errorOf };
}
