import { type Language, LANGUAGES } from '../../lib/i18n.js';
import { type Fragment, html } from '../html.js';
import { pageMessages } from '../messages/index.js';
import type { CourseOption } from './credential-pages.js';
import { type ConsoleViewer, csrfField, checkboxField, errorSummary, formControls, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

/** The issue form's fields as typed (shown back as they were, carried through the preview as hidden fields). */
export interface IssueForm {
  course?: string;
  name?: string;
  email?: string;
  language?: string;
  narrative?: string;
  evidenceUrl?: string;
  evidenceName?: string;
  evidenceDescription?: string;
  validUntil?: string;
  externalId?: string;
  deliver?: string;
}

export const ISSUE_FIELDS = ['course', 'name', 'email', 'language', 'narrative', 'evidenceUrl', 'evidenceName', 'evidenceDescription', 'validUntil', 'externalId', 'deliver'] as const;

export type IssueField = (typeof ISSUE_FIELDS)[number];

interface IssuePageBase {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
}

/** GET /console/issue (and the form again after an error or "Change"): one learner, one course. */
export function renderIssueForm({
  language,
  platformName,
  viewer,
  courses,
  values,
  errors = [],
}: IssuePageBase & { courses: CourseOption[]; values: IssueForm; errors?: { field: string; message: string }[] }): string {
  const text = consoleMessages(language);
  const words = text.issue;
  const { input, textarea, select, errorOf } = formControls(values, errors);
  const form = courses.length
    ? html`<form method="post" action="/console/issue?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}
${select('course', words.course, [{ value: '', label: words.chooseCourse }, ...courses.map((course) => ({ value: course.id, label: course.label }))])}
<fieldset><legend>${words.learner}</legend>${input('name', words.name, { max: 200 })}${input('email', words.email, { type: 'email', hint: words.emailHint, max: 254, dir: 'ltr' })}
${checkboxField({ id: 'deliver', value: 'on', label: words.deliver, checked: values.deliver === 'on', error: errorOf('deliver') })}
${input('externalId', words.externalId, { hint: words.externalIdHint, max: 200 })}</fieldset>
<fieldset><legend>${words.details}</legend>
${select('language', words.language, [{ value: '', label: words.centreLanguage }, ...LANGUAGES.map((code) => ({ value: code, label: pageMessages(code).languageName, lang: code }))], words.languageHint)}
${textarea('narrative', words.narrative, 2000, { hint: words.narrativeHint })}
${input('evidenceUrl', words.evidenceUrl, { type: 'url', max: 2000, dir: 'ltr' })}${input('evidenceName', words.evidenceName, { max: 200 })}${textarea('evidenceDescription', words.evidenceDescription, 2000)}
${input('validUntil', words.validUntil, { type: 'date', hint: words.validUntilHint })}</fieldset>
<p class="actions"><button type="submit" name="step" value="preview" class="primary">${words.previewButton}</button></p></form>`
    : html`<p class="card">${words.noCourses}</p>`;
  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: '/console/issue',
    viewer,
    section: 'issue',
    main: html`<h1>${words.title}</h1>${errorSummary(language, errors)}<p>${words.intro}</p>${form}`,
  });
}

/**
 * The preview: the credential's details exactly as its page will show them (in the credential's language), then
 * the form again as hidden fields, with "Sign and issue" and "Change".
 */
export function renderIssuePreview({
  language,
  platformName,
  viewer,
  values,
  credentialLanguage,
  details,
}: IssuePageBase & { values: IssueForm; credentialLanguage: Language; details: Fragment }): string {
  const words = consoleMessages(language).issue;
  const hidden = ISSUE_FIELDS.filter((name) => values[name]).map((name) => html`<input type="hidden" name="${name}" value="${values[name]!}">`);
  const direction = credentialLanguage === 'ar' ? 'rtl' : 'ltr';
  return renderConsolePage({
    language,
    platformName,
    title: words.previewTitle,
    path: '/console/issue',
    viewer,
    section: 'issue',
    main: html`<h1>${words.previewTitle}</h1><p>${words.previewIntro}</p>
<p class="muted">${words.previewLanguage({ language: pageMessages(credentialLanguage).languageName })}</p>
<div class="card preview" lang="${credentialLanguage}" dir="${direction}">${details}</div>
${values.deliver === 'on' && values.email ? html`<p>${words.willDeliver({ email: values.email })}</p>` : ''}
<form method="post" action="/console/issue?lang=${language}">${csrfField(viewer.csrfToken)}${hidden}
<p class="actions"><button type="submit" name="step" value="issue" class="primary" data-once>${words.issueButton}</button> <button type="submit" name="step" value="edit">${words.editButton}</button></p></form>`,
  });
}
