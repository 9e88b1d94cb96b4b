import type { Language } from '../../lib/i18n.js';
import { html } from '../html.js';
import { formatDate } from '../language.js';
import { type ConsoleViewer, csrfField, described, field, notice, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

export interface AccountPageInput {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  email: string;
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[];
  openSessions: number;
  /** false on an IP host: passkeys cannot be added there */
  passkeysAvailable: boolean;
  message?: string;
}

/** GET /console/account: who I am, my passkeys (add: with the script; remove: a form), and "sign out everywhere". */
export function renderAccountPage({ language, platformName, viewer, email, passkeys, openSessions, passkeysAvailable, message }: AccountPageInput): string {
  const text = consoleMessages(language);
  const words = text.account;
  const list = passkeys.length
    ? html`<ul class="passkeys">${passkeys.map(
        (passkey) =>
          html`<li><strong>${passkey.name}</strong> <span class="muted">${words.added({ date: formatDate(passkey.createdAt, language) })}, ${passkey.lastUsedAt ? words.lastUsed({ date: formatDate(passkey.lastUsedAt, language, true) }) : words.neverUsed}</span>
<form method="post" action="/console/account/passkeys/${passkey.id}/remove?lang=${language}" class="inline-form">${csrfField(viewer.csrfToken)}<button type="submit" class="danger" aria-label="${words.removeLabel({ name: passkey.name })}">${words.remove}</button></form></li>`,
      )}</ul>`
    : html`<p>${words.noPasskeys}</p>`;
  const add = passkeysAvailable
    ? html`<div data-needs-script hidden>${field({ id: 'passkey-name', label: words.passkeyName, hint: words.passkeyNameHint, control: html`<input type="text" id="passkey-name" maxlength="100" value="${words.defaultPasskeyName}"${described('passkey-name', { hint: words.passkeyNameHint })}>` })}
<p><button type="button" class="primary" data-passkey="register" data-name-field="passkey-name" data-options="/console/account/passkeys/options" data-verify="/console/account/passkeys" data-next="/console/account?lang=${language}&amp;added=1" data-failed="${words.passkeyFailed}" aria-describedby="passkey-error">${words.addPasskey}</button></p><p class="field-error" id="passkey-error" role="alert" hidden></p></div><p data-without-script>${words.addPasskeyNeedsScript}</p>`
    : html`<p>${text.signIn.passkeysUnavailable}</p>`;
  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: '/console/account',
    viewer,
    section: 'account',
    main: html`<h1>${words.title}</h1>${notice(message)}
<section aria-labelledby="details-heading"><h2 id="details-heading">${words.details}</h2><dl><dt>${words.email}</dt><dd>${email}</dd><dt>${words.role}</dt><dd>${text.roles[viewer.role]}</dd><dt>${words.organisation}</dt><dd>${viewer.organisation}</dd></dl></section>
<section aria-labelledby="passkeys-heading"><h2 id="passkeys-heading">${words.passkeysHeading}</h2><p>${words.passkeysIntro}</p>${list}${add}</section>
<section aria-labelledby="sessions-heading"><h2 id="sessions-heading">${words.sessionsHeading}</h2><p>${words.sessionsIntro({ count: openSessions })}</p><p class="hint" id="everywhere-hint">${words.signOutEverywhereHint}</p>
<form method="post" action="/console/account/sign-out-everywhere?lang=${language}">${csrfField(viewer.csrfToken)}<button type="submit" class="danger" aria-describedby="everywhere-hint">${words.signOutEverywhere}</button></form></section>`,
  });
}
