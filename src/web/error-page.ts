import type { Language } from '../lib/i18n.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { pageMessages } from './messages/index.js';

/** A page that could not be shown: the localised explanation, and the way on (the verify page). */
export function renderErrorPage({
  language,
  platformName,
  message,
  path,
  title = pageMessages(language).errors.title,
}: {
  language: Language;
  platformName: string;
  message: string;
  path: string;
  /** the heading, when the page can say what happened (by default: something needs your attention) */
  title?: string;
}): string {
  const text = pageMessages(language);
  return renderPage({
    language,
    title,
    path,
    platformName,
    main: html`<section class="error" role="alert" aria-labelledby="problem"><h1 id="problem">${title}</h1><p>${message}</p><p><a href="/verify?lang=${language}">${text.errors.backToVerify}</a></p></section>`,
  });
}
