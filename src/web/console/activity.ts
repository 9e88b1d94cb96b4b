import type { Language } from '../../lib/i18n.js';
import { html } from '../html.js';
import { formatDate } from '../language.js';
import { consoleMessages } from './messages/index.js';

/** One entry of the audit trail as the console lists it. */
export interface ActivityEntry {
  id: string;
  at: Date;
  action: string;
  credentialId: string | null;
  /** The learner of that credential, null once their data is erased. */
  recipientName: string | null;
  actor: { kind: 'client' | 'staff' | 'cli' | 'system'; name: string | null };
}

/** Who acted, in words: a staff member by name, an API client by its name, the command line, the service. */
export function actorText(actor: ActivityEntry['actor'], language: Language): string {
  const text = consoleMessages(language).actors;
  if (actor.kind === 'cli') return text.cli;
  if (actor.kind === 'system') return text.system;
  if (!actor.name) return text.unknown;
  return actor.kind === 'client' ? text.client({ name: actor.name }) : text.staff({ name: actor.name });
}

export function actionText(action: string, language: Language): string {
  const actions = consoleMessages(language).actions;
  const known = (actions as Record<string, unknown>)[action];
  return typeof known === 'string' ? known : actions.other({ action });
}

/**
 * A list of audit entries: when, who, what, and a link named by its learner to the credential concerned (in
 * `centre`, for an admin reading one).
 */
export function activityList(entries: ActivityEntry[], language: Language, { centre }: { centre?: string } = {}) {
  return html`<ul class="activity">${entries.map(
    (entry) =>
      html`<li><time datetime="${entry.at.toISOString()}">${formatDate(entry.at, language, true)}</time> — <bdi>${actorText(entry.actor, language)}</bdi> ${actionText(entry.action, language)}${entry.credentialId ? html` · <a href="/console/credentials/${entry.credentialId}?lang=${language}${centre ? `&centre=${centre}` : ''}"><bdi>${entry.recipientName ?? consoleMessages(language).credentials.recipient}</bdi></a>` : ''}</li>`,
  )}</ul>`;
}
