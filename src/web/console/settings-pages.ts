import { type Language, LANGUAGES } from '../../lib/i18n.js';
import { type Fragment, html } from '../html.js';
import { formatDate, formatList } from '../language.js';
import { pageMessages } from '../messages/index.js';
import { type ConsoleViewer, csrfField, described, errorSummary, field, notice, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

const CENTRE_ROLES = ['viewer', 'issuer', 'manager'] as const;
const CLIENT_SCOPES = ['credentials:issue', 'credentials:manage', 'credentials:read', 'clients:manage', 'keys:manage'] as const;

export interface SettingsStaff {
  id: string;
  name: string;
  email: string;
  role: 'viewer' | 'issuer' | 'manager' | 'admin';
  state: 'invited' | 'active' | 'removed';
}

export interface SettingsClient {
  clientId: string;
  name: string;
  scopes: string[];
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface SettingsKey {
  id: string;
  status: 'active' | 'retired' | 'compromised';
  createdAt: string;
}

/** The forms of the page as typed, and their errors by field id, after a refused submission. */
export interface SettingsForms {
  invite?: { name?: string; email?: string; role?: string; language?: string };
  client?: { name?: string; scopes?: string[] };
  errors?: { field: string; message: string }[];
}

interface PageBase {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
}

const options = (choices: readonly { value: string; label: string }[], selected: string | undefined) =>
  choices.map((choice) => html`<option value="${choice.value}"${choice.value === selected ? html` selected` : ''}>${choice.label}</option>`);

/** GET /console/settings: a manager's staff (invite, role, remove), API clients (create, new secret, disable) and keys (rotate). */
export function renderSettingsPage({
  language,
  platformName,
  viewer,
  staffId,
  staff,
  clients,
  keys,
  forms = {},
  message,
}: PageBase & { staffId: string; staff: SettingsStaff[]; clients: SettingsClient[]; keys: SettingsKey[]; forms?: SettingsForms; message?: string }): string {
  const text = consoleMessages(language);
  const words = text.settings;
  const errors = forms.errors ?? [];
  const errorOf = (id: string) => errors.find((error) => error.field === id)?.message;
  const roleChoices = CENTRE_ROLES.map((role) => ({ value: role, label: `${text.roles[role]} — ${words.roleHints[role]}` }));
  const post = (action: string, content: Fragment) => html`<form method="post" action="${action}?lang=${language}" class="inline-form">${csrfField(viewer.csrfToken)}${content}</form>`;

  const staffRows = staff.map((member) => {
    const self = member.id === staffId;
    const roleForm = self
      ? text.roles[member.role]
      : post(
          `/console/settings/staff/${member.id}/role`,
          html`<label class="visually-hidden" for="role-${member.id}">${words.changeRoleLabel({ name: member.name })}</label><select id="role-${member.id}" name="role">${options(
            CENTRE_ROLES.map((role) => ({ value: role, label: text.roles[role] })),
            member.role,
          )}</select> <button type="submit">${words.changeRole}</button>`,
        );
    const remove = self ? '' : post(`/console/settings/staff/${member.id}/remove`, html`<button type="submit" class="danger" aria-label="${words.removeLabel({ name: member.name })}">${words.remove}</button>`);
    return html`<tr><td><bdi>${member.name}</bdi>${self ? html` <span class="muted">${words.you}</span>` : ''}</td><td dir="ltr">${member.email}</td><td>${roleForm}</td><td>${words.staffStates[member.state]}</td><td>${remove}</td></tr>`;
  });

  const invite = forms.invite ?? {};
  const inviteForm = html`<form method="post" action="/console/settings/staff?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}<div class="form-grid">
${field({ id: 'invite-name', label: words.inviteName, error: errorOf('invite-name'), control: html`<input type="text" id="invite-name" name="name" maxlength="200" value="${invite.name ?? ''}"${described('invite-name', { error: errorOf('invite-name') })}>` })}
${field({ id: 'invite-email', label: words.inviteEmail, error: errorOf('invite-email'), control: html`<input type="email" id="invite-email" name="email" maxlength="254" dir="ltr" value="${invite.email ?? ''}"${described('invite-email', { error: errorOf('invite-email') })}>` })}
${field({ id: 'invite-role', label: words.inviteRole, error: errorOf('invite-role'), control: html`<select id="invite-role" name="role"${described('invite-role', { error: errorOf('invite-role') })}>${options(roleChoices, invite.role ?? 'issuer')}</select>` })}
${field({ id: 'invite-language', label: words.inviteLanguage, control: html`<select id="invite-language" name="language">${options(LANGUAGES.map((code) => ({ value: code, label: pageMessages(code).languageName })), invite.language ?? language)}</select>` })}
</div><p class="actions"><button type="submit" class="primary">${words.inviteButton}</button></p></form>`;

  const clientRows = clients.map(
    (client) =>
      html`<tr><td><bdi>${client.name}</bdi></td><td class="code" dir="ltr">${client.clientId}</td><td>${formatList(client.scopes.map((scope) => words.scopeNames[scope as keyof typeof words.scopeNames] ?? scope), language)}</td><td>${words.clientStates[client.status]}</td><td>${
        client.status === 'active'
          ? html`${post(`/console/settings/clients/${client.clientId}/rotate`, html`<button type="submit" aria-label="${words.rotateSecretLabel({ name: client.name })}">${words.rotateSecret}</button>`)}
<details><summary>${words.disable}</summary>${post(
              `/console/settings/clients/${client.clientId}/disable`,
              html`<label for="reason-${client.clientId}">${words.disableReason}</label><input type="text" id="reason-${client.clientId}" name="reason" maxlength="500" required> <button type="submit" class="danger" aria-label="${words.disableLabel({ name: client.name })}">${words.disable}</button>`,
            )}</details>`
          : ''
      }</td></tr>`,
  );
  const client = forms.client ?? {};
  const chosenScopes = new Set(client.scopes ?? ['credentials:issue', 'credentials:read']);
  const scopesError = errorOf('client-scopes');
  const clientForm = html`<form method="post" action="/console/settings/clients?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}
${field({ id: 'client-name', label: words.createClientName, hint: words.createClientNameHint, error: errorOf('client-name'), control: html`<input type="text" id="client-name" name="name" maxlength="200" value="${client.name ?? ''}"${described('client-name', { hint: words.createClientNameHint, error: errorOf('client-name') })}>` })}
<fieldset id="client-scopes"${scopesError ? html` aria-describedby="client-scopes-error"` : ''}><legend>${words.createClientScopes}</legend>${scopesError ? html`<p class="field-error" id="client-scopes-error">${scopesError}</p>` : ''}${CLIENT_SCOPES.map(
    (scope) => html`<div><input type="checkbox" id="scope-${scope.replace(':', '-')}" name="scopes" value="${scope}"${chosenScopes.has(scope) ? html` checked` : ''}> <label class="inline" for="scope-${scope.replace(':', '-')}">${words.scopeNames[scope]}</label></div>`,
  )}</fieldset>
<p class="actions"><button type="submit" class="primary">${words.createClient}</button></p></form>`;

  const keyRows = keys.map(
    (key) => html`<tr><td class="code" dir="ltr">${key.id.slice(key.id.indexOf('#') + 1)}</td><td>${words.keyStates[key.status]}</td><td>${formatDate(key.createdAt, language, true)}</td></tr>`,
  );
  const table = (headings: string[], rows: Fragment[]) =>
    html`<div class="table-wrap"><table><thead><tr>${headings.map((heading) => html`<th scope="col">${heading}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: '/console/settings',
    viewer,
    section: 'settings',
    main: html`<h1>${words.title}</h1>${errorSummary(language, errors)}${notice(message)}<p>${words.intro}</p>
<section aria-labelledby="staff-heading"><h2 id="staff-heading">${words.staffHeading}</h2>${table([words.staffName, words.staffEmail, words.staffRole, words.staffState, ''], staffRows)}
<h3>${words.inviteHeading}</h3>${inviteForm}</section>
<section aria-labelledby="clients-heading"><h2 id="clients-heading">${words.clientsHeading}</h2><p>${words.clientsIntro}</p>${clients.length ? table([words.clientName, words.clientId, words.clientScopes, words.clientState, ''], clientRows) : html`<p>${words.noClients}</p>`}
<h3>${words.createClient}</h3>${clientForm}</section>
<section aria-labelledby="keys-heading"><h2 id="keys-heading">${words.keysHeading}</h2><p>${words.keysIntro}</p>${table([words.keyId, words.keyState, words.keyCreated], keyRows)}
${post('/console/settings/keys/rotate', html`<button type="submit" data-once>${words.rotateKey}</button>`)}<p class="muted">${words.compromiseNote}</p></section>`,
  });
}

/** A client's new secret, shown once (the page is not stored: the console's responses are no-store). */
export function renderSecretPage({ language, platformName, viewer, clientId, secret }: PageBase & { clientId: string; secret: string }): string {
  const words = consoleMessages(language).settings;
  return renderConsolePage({
    language,
    platformName,
    title: words.secretTitle,
    path: '/console/settings',
    viewer,
    section: 'settings',
    main: html`<h1>${words.secretTitle}</h1><p>${words.secretText}</p><dl><dt>${words.clientId}</dt><dd class="code" dir="ltr">${clientId}</dd><dt>client_secret</dt><dd><input type="text" readonly class="code" dir="ltr" value="${secret}" aria-label="client_secret" size="50"></dd></dl>
<p><a class="button primary" href="/console/settings?lang=${language}">${words.secretDone}</a></p>`,
  });
}

/**
 * The confirmation asked before a sensitive action: a passkey (with the script) or an e-mailed link; `next` is where
 * the staff member goes back to.
 */
export function renderConfirmPage({
  language,
  platformName,
  viewer,
  next,
  passkeys,
  sent,
}: PageBase & { next: string; /** whether this host allows passkeys and the staff member has one */ passkeys: 'usable' | 'none-yet' | 'host-without'; sent: boolean }): string {
  const text = consoleMessages(language);
  const words = text.confirm;
  const passkey =
    passkeys === 'usable'
    ? html`<div data-needs-script hidden><p><button type="button" class="primary" data-passkey="confirm" data-options="/console/passkeys/confirm/options" data-verify="/console/passkeys/confirm" data-next="${next}" data-failed="${words.passkeyFailed}" aria-describedby="passkey-error">${words.passkeyButton}</button></p><p class="field-error" id="passkey-error" role="alert" hidden></p></div><p data-without-script>${words.needsScript}</p>`
    : html`<p>${passkeys === 'none-yet' ? text.problems['no-passkey'] : words.noPasskeyHere}</p>`;
  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: '/console/confirm',
    viewer,
    main: html`<h1>${words.title}</h1>${sent ? notice(words.emailSent) : ''}<p>${words.intro}</p><section>${passkey}
<form method="post" action="/console/confirm/email?lang=${language}">${csrfField(viewer.csrfToken)}<input type="hidden" name="next" value="${next}"><button type="submit">${words.emailButton}</button></form></section>`,
  });
}

/** The landing page of an e-mailed confirmation link: only its button uses the link. */
export function renderConfirmLinkPage({ language, platformName, viewer, token, invalid }: PageBase & { token: string; invalid: boolean }): string {
  const words = consoleMessages(language).confirm;
  return renderConsolePage({
    language,
    platformName,
    title: words.linkHeading,
    path: '/console/confirm',
    viewer,
    main: invalid
      ? html`<h1>${words.linkHeading}</h1><section class="error" role="alert"><p>${words.linkInvalid}</p></section>`
      : html`<h1>${words.linkHeading}</h1><p>${words.linkText}</p><form method="post" action="/console/confirm/${token}?lang=${language}">${csrfField(viewer.csrfToken)}<button type="submit" class="primary">${words.linkButton}</button></form>`,
  });
}
