import type { Language } from '../../lib/i18n.js';
import { type Html, html } from '../html.js';
import { consoleMessages } from './messages/index.js';
import { described, errorSummary, field, notice, renderConsolePage } from './layout.js';

interface Shell {
  language: Language;
  platformName: string;
}

/** A page of the signed-out console (sign-in, links, invitations): no navigation, no session. */
const signedOutPage = ({ language, platformName, title, main }: Shell & { title: string; main: Html }) =>
  renderConsolePage({ language, platformName, title, path: '/console/sign-in', viewer: null, main });

/** The form asking for an e-mailed sign-in link (no CSRF token: it runs before any session, and only sends a link). */
function emailForm(language: Language, { email = '', error }: { email?: string; error?: string }) {
  const text = consoleMessages(language).signIn;
  return html`<form method="post" action="/console/sign-in/email?lang=${language}" novalidate>
${field({ id: 'email', label: text.emailLabel, error, control: html`<input type="email" id="email" name="email" autocomplete="username webauthn" required value="${email}"${described('email', { error })}>` })}
<p><button type="submit" class="primary">${text.emailButton}</button></p></form>`;
}

/**
 * GET /console/sign-in: a passkey button (shown by the console script where WebAuthn works; without JavaScript a
 * note says to use a link instead), and the e-mailed link form. On an IP host passkeys are not offered, and the page
 * says why.
 */
export function renderSignInPage({ language, platformName, passkeys, message, email, emailError, next }: Shell & { passkeys: boolean; message?: string; email?: string; emailError?: string; next: string }): string {
  const text = consoleMessages(language).signIn;
  const passkeySection = passkeys
    ? html`<section aria-labelledby="passkey-heading"><h2 id="passkey-heading">${text.passkeyHeading}</h2>
<div data-needs-script hidden><p>${text.passkeyText}</p><p><button type="button" class="primary" data-passkey="sign-in" data-options="/console/passkeys/sign-in/options" data-verify="/console/passkeys/sign-in" data-next="${next}?lang=${language}" data-failed="${text.passkeyFailed}" aria-describedby="passkey-error">${text.passkeyButton}</button></p><p class="field-error" id="passkey-error" role="alert" hidden></p></div>
<p data-without-script>${text.passkeyNeedsScript}</p></section>`
    : html`<section><p>${text.passkeysUnavailable}</p></section>`;
  return signedOutPage({ language, platformName, title: text.title, main: html`<h1>${text.title}</h1>${notice(message)}${errorSummary(language, emailError ? [{ field: 'email', message: emailError }] : [])}<p>${text.intro}</p>${passkeySection}
<section aria-labelledby="email-heading"><h2 id="email-heading">${text.emailHeading}</h2><p>${text.emailText}</p>${emailForm(language, { email, error: emailError })}</section>`,
  });
}

/** After the e-mail form: the same answer whether or not the address has an account. */
export function renderLinkSentPage({ language, platformName, email }: Shell & { email: string }): string {
  const text = consoleMessages(language).signIn;
  return signedOutPage({ language, platformName, title: text.emailSentTitle, main: html`<h1>${text.emailSentTitle}</h1><section role="status"><p>${text.emailSent({ email })}</p></section><p><a href="/console/sign-in?lang=${language}">${text.title}</a></p>`,
  });
}

/**
 * The landing page of an e-mailed link: it names what the link does and acts only on the button (a POST), because
 * mail scanners and link previews open links, and must not use them up or sign anyone in.
 */
export function renderLinkLandingPage({
  language,
  platformName,
  kind,
  action,
  staffName,
  organisation,
  role,
}: Shell & { kind: 'sign-in' | 'invitation'; action: string; staffName: string; organisation: string; role: string }): string {
  const text = consoleMessages(language);
  const title = kind === 'sign-in' ? text.signIn.linkTitle : text.invitation.title;
  const intro = kind === 'sign-in' ? html`<p>${text.signIn.linkIntro({ name: staffName })}</p>` : html`<p>${text.invitation.intro({ name: staffName, organisation, role })}</p><p>${text.invitation.next}</p>`;
  return signedOutPage({ language, platformName, title, main: html`<h1>${title}</h1><section>${intro}<form method="post" action="${action}?lang=${language}"><button type="submit" class="primary">${kind === 'sign-in' ? text.signIn.linkButton : text.invitation.button}</button></form></section>`,
  });
}

/** A link that is unknown, used or expired: what happened and the way on. */
export function renderLinkExpiredPage({ language, platformName, kind }: Shell & { kind: 'sign-in' | 'invitation' }): string {
  const text = consoleMessages(language);
  const [title, message] = kind === 'sign-in' ? [text.signIn.linkExpiredTitle, text.signIn.linkExpired] : [text.invitation.expiredTitle, text.invitation.expired];
  return signedOutPage({ language, platformName, title, main: html`<h1>${title}</h1><section class="error" role="alert"><p>${message}</p></section>${kind === 'sign-in' ? emailForm(language, {}) : ''}`,
  });
}
