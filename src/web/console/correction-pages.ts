import type { Language } from '../../lib/i18n.js';
import { html } from '../html.js';
import type { ConsoleCredential } from './credential-pages.js';
import type { IssueForm } from './issue-pages.js';
import { type ConsoleViewer, csrfField, checkboxField, described, errorSummary, field, formControls, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

interface PageBase {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  credential: Pick<ConsoleCredential, 'id' | 'recipient' | 'courseName'>;
}

/** The correction form and a reason tied to it. */
export interface CorrectionForm extends IssueForm {
  reason?: string;
}

/**
 * GET /console/credentials/:id/reissue: the learner's details as the credential has them, to correct; the evidence
 * is offered only when the credential has at most one piece (the form has one), else it is kept as it is.
 */
export function renderReissuePage({
  language,
  platformName,
  viewer,
  credential,
  values,
  evidenceEditable,
  errors = [],
}: PageBase & { values: CorrectionForm; evidenceEditable: boolean; errors?: { field: string; message: string }[] }): string {
  const text = consoleMessages(language);
  const words = text.credential;
  const issue = text.issue;
  const { input, textarea, errorOf } = formControls(values, errors);
  const reasonError = errorOf('reason');
  return renderConsolePage({
    language,
    platformName,
    title: words.reissueTitle,
    path: `/console/credentials/${credential.id}/reissue`,
    viewer,
    section: 'credentials',
    main: html`<h1>${words.reissueTitle}</h1>${errorSummary(language, errors)}<p><strong><bdi>${credential.recipient.name}</bdi></strong> — <bdi>${credential.courseName}</bdi></p><p>${words.reissueIntro}</p>
<form method="post" action="/console/credentials/${credential.id}/reissue?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}
<fieldset><legend>${issue.learner}</legend>${input('name', issue.name, { max: 200 })}${input('email', issue.email, { type: 'email', hint: issue.emailHint, max: 254, dir: 'ltr' })}</fieldset>
<fieldset><legend>${issue.details}</legend>${textarea('narrative', issue.narrative, 2000, { hint: issue.narrativeHint })}
${evidenceEditable ? html`${input('evidenceUrl', issue.evidenceUrl, { type: 'url', max: 2000, dir: 'ltr' })}${input('evidenceName', issue.evidenceName, { max: 200 })}${textarea('evidenceDescription', issue.evidenceDescription, 2000)}` : ''}
${input('validUntil', issue.validUntil, { type: 'date', hint: issue.validUntilHint })}</fieldset>
${field({ id: 'reason', label: words.reason, hint: words.reasonHint, error: reasonError, control: html`<textarea id="reason" name="reason" maxlength="500" required${described('reason', { hint: words.reasonHint, error: reasonError })}>${values.reason ?? ''}</textarea>` })}
<p class="actions"><button type="submit" class="primary" data-once>${words.reissueButton}</button> <a class="button" href="/console/credentials/${credential.id}?lang=${language}">${text.common.cancel}</a></p></form>`,
  });
}

/** GET /console/credentials/:id/erase: what erasure does, a box to tick, and the button. */
export function renderErasePage({ language, platformName, viewer, credential, error }: PageBase & { error?: string }): string {
  const text = consoleMessages(language);
  const words = text.credential;
  return renderConsolePage({
    language,
    platformName,
    title: words.eraseTitle,
    path: `/console/credentials/${credential.id}/erase`,
    viewer,
    section: 'credentials',
    main: html`<h1>${words.eraseTitle}</h1>${errorSummary(language, error ? [{ field: 'confirm', message: error }] : [])}
<section><p><strong><bdi>${credential.recipient.name}</bdi></strong> — <bdi>${credential.courseName}</bdi></p><p>${words.eraseText}</p>
<form method="post" action="/console/credentials/${credential.id}/erase?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}
${checkboxField({ id: 'confirm', value: 'erase', label: words.eraseConfirm, required: true, error })}
<p class="actions"><button type="submit" class="primary danger">${words.eraseButton}</button> <a class="button" href="/console/credentials/${credential.id}?lang=${language}">${text.common.cancel}</a></p></form></section>`,
  });
}
