import type { Language } from '../../lib/i18n.js';
import { html } from '../html.js';
import { formatNumber } from '../language.js';
import { type ActivityEntry, activityList } from './activity.js';
import { type ConsoleViewer, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

export interface DashboardInput {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  issuedThisMonth: number;
  active: number;
  revoked: number;
  batchesRunning: number;
  recent: ActivityEntry[];
}

/** GET /console: the figures that matter at a glance, the ways to the daily tasks, and what happened lately. */
export function renderDashboardPage({ language, platformName, viewer, recent, ...figures }: DashboardInput): string {
  const text = consoleMessages(language);
  const words = text.dashboard;
  const stat = (label: string, value: number) => html`<li><strong>${formatNumber(value, language)}</strong>${label}</li>`;
  const quick = [
    viewer.permissions.has('credentials:issue') ? html`<li><a class="button primary" href="/console/issue?lang=${language}">${text.nav.issue}</a></li>` : '',
    viewer.permissions.has('credentials:issue') ? html`<li><a class="button" href="/console/cohorts?lang=${language}">${text.nav.cohorts}</a></li>` : '',
    viewer.permissions.has('credentials:read') ? html`<li><a class="button" href="/console/credentials?lang=${language}">${text.nav.credentials}</a></li>` : '',
  ];
  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: '/console',
    viewer,
    section: 'dashboard',
    main: html`<h1>${words.title}</h1>
<ul class="stats">${stat(words.issuedThisMonth, figures.issuedThisMonth)}${stat(words.active, figures.active)}${stat(words.revoked, figures.revoked)}${stat(words.batchesRunning, figures.batchesRunning)}</ul>
<section aria-labelledby="quick-heading"><h2 id="quick-heading">${words.quickLinks}</h2><ul class="actions">${quick}</ul></section>
<section aria-labelledby="recent-heading"><h2 id="recent-heading">${words.recent}</h2>${recent.length ? activityList(recent, language) : html`<p>${words.noActivity}</p>`}</section>`,
  });
}
