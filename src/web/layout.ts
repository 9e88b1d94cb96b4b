import { LANGUAGES, type Language } from '../lib/i18n.js';
import { type Fragment, type Html, html, trusted } from './html.js';
import { directionOf } from './language.js';
import { pageCatalogues, pageMessages } from './messages/index.js';
import { STYLESHEET } from './styles.js';

export interface PageShell {
  language: Language;
  title: string;
  /** the page's path with its query, without `lang` (the switcher adds its own) */
  path: string;
  platformName: string;
  /** extra <head> content: social previews, alternates */
  head?: Fragment;
  main: Fragment;
  /** the page's own inline script, if any (progressive enhancement only; its hash is in the CSP) */
  script?: string;
  /** scripts served by this service (the console's), loaded at the end of the body; the console's CSP allows 'self' */
  scriptSources?: string[];
  /** a second bar under the header (the console's navigation) */
  navigation?: Fragment;
  /** where the brand links to (the console links to its dashboard) */
  home?: string;
  /** styles beyond the shared stylesheet (the console's) */
  styles?: string;
}

/** The same path in another language, remembered: the switcher is plain links, so it works without JavaScript. */
function withLanguage(path: string, language: Language) {
  const [rawPath = '/', query = ''] = path.split('?');
  // always a path on this site: a request for //other.example/x must not become a link to another host
  const pathname = `/${rawPath.replace(/^[/\\]+/, '')}`;
  const params = new URLSearchParams(query);
  params.set('lang', language);
  params.set('remember', '1');
  return `${pathname}?${params.toString()}`;
}

/** The document every page shares: language and direction, landmarks, the language switcher, no external assets. */
export function renderPage({ language, title, path, platformName, head, main, script, scriptSources = [], navigation, home, styles = '' }: PageShell): string {
  const text = pageMessages(language);
  const switcher = LANGUAGES.map((code) => {
    const name = pageCatalogues[code].languageName;
    return code === language
      ? html`<li><a href="${withLanguage(path, code)}" lang="${code}" hreflang="${code}" aria-current="true">${name}</a></li>`
      : html`<li><a href="${withLanguage(path, code)}" lang="${code}" hreflang="${code}">${name}</a></li>`;
  });
  const page: Html = html`<!doctype html>
<html lang="${language}" dir="${directionOf(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${title} · ${text.site.name}</title>${head}<style>${trusted(STYLESHEET + styles)}</style></head>
<body><a class="skip" href="#main">${text.site.skipToContent}</a>
<header><div class="bar"><a class="brand" href="${home ?? '/'}?lang=${language}">${text.site.name}</a><nav aria-label="${text.site.languages}"><ul>${switcher}</ul></nav></div>${navigation}</header>
<main id="main">${main}</main>
<footer><p>${text.site.footer({ platformName })} <a href="/verify?lang=${language}">${text.site.verifyLink}</a></p></footer>${script ? html`<script>${trusted(script)}</script>` : ''}${scriptSources.map((source) => html`<script src="${source}"></script>`)}
</body></html>`;
  return page.value;
}
