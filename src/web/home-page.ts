import type { Language } from '../lib/i18n.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { pageMessages } from './messages/index.js';
import { codeForm } from './verify-page.js';

/**
 * GET /: what this service is, the quickest check (a code or link from a certificate), and where a national centre
 * starts. Static apart from the language; no JavaScript.
 */
export function renderHomePage({ language, platformName }: { language: Language; platformName: string }): string {
  const text = pageMessages(language);
  const home = text.home;
  return renderPage({
    language,
    title: home.title,
    path: '/',
    platformName,
    main: html`<h1>${home.title}</h1><p>${home.intro}</p>
<section aria-labelledby="verify-heading"><h2 id="verify-heading">${home.verifyHeading}</h2>${codeForm(language)}<p><a href="/verify?lang=${language}">${home.otherWays}</a></p></section>
<section aria-labelledby="centres-heading"><h2 id="centres-heading">${home.centresHeading}</h2><p>${home.centresText}</p><ul class="home-links"><li><a href="/docs">${home.apiReference}</a></li><li><a href="/openapi.json" type="application/json">${home.openApi}</a></li><li><a href="/registry">${home.registry}</a></li></ul></section>`,
  });
}
