import { type Language, LANGUAGES } from '../../lib/i18n.js';
import { ACHIEVEMENT_TYPES } from '../../vc/ob3-schema.js';
import { html } from '../html.js';
import { directionOf, formatDate, languageName, localeOf } from '../language.js';
import { type AdminPageBase, type FormErrors, pager, postForm, queryOf, renderAdminPage, selectOptions, table } from './admin-pages.js';
import { described, errorSummary, field, formControls, notice } from './layout.js';
import { consoleMessages } from './messages/index.js';

/** A course as the platform's pages list it. */
export interface AdminCourse {
  id: string;
  code: string;
  name: string;
  version: number;
  languages: string[];
}

type Text = 'name' | 'description' | 'criteria';
type LanguageField = `${Text}-${Language}`;

/** The course form as typed: the texts by language (`name-fr`…) and the details. */
export type CourseForm = Partial<Record<LanguageField | 'code' | 'achievementType' | 'series' | 'level' | 'hours', string>>;

export const COURSE_TEXTS = ['name', 'description', 'criteria'] as const satisfies readonly Text[];
export const COURSE_FORM_FIELDS = [
  'code',
  ...LANGUAGES.flatMap((code) => COURSE_TEXTS.map((text) => `${text}-${code}` as const)),
  'achievementType',
  'series',
  'level',
  'hours',
] as const satisfies readonly (keyof CourseForm)[];

/** GET /console/admin/courses: every course, 25 a page. */
export function renderCourseListPage({ language, platformName, viewer, courses, firstPage, nextCursor }: AdminPageBase & { courses: AdminCourse[]; firstPage: boolean; nextCursor: string | null }): string {
  const text = consoleMessages(language);
  const words = text.admin.courses;
  const number = (value: number) => new Intl.NumberFormat(localeOf(language)).format(value);
  const rows = courses.map(
    (course) =>
      html`<tr><td class="code" dir="ltr">${course.code}</td><td><a href="/console/admin/courses/${course.id}?lang=${language}"><bdi>${course.name}</bdi></a></td><td>${number(course.version)}</td><td>${course.languages.map((code) => languageName(code, language)).join(' · ')}</td></tr>`,
  );
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'courses',
    title: text.admin.areas.courses,
    path: '/console/admin/courses',
    main: html`<h1>${text.admin.areas.courses}</h1><p>${words.intro}</p><p><a class="button primary" href="/console/admin/courses/new?lang=${language}">${words.define}</a></p>
<section aria-label="${text.admin.areas.courses}">${courses.length ? table([words.code, words.name, words.version, words.languages], rows) : html`<p>${words.none}</p>`}${pager(language, {
      firstPage,
      first: `/console/admin/courses?lang=${language}`,
      next: nextCursor ? `/console/admin/courses?${queryOf({ lang: language, cursor: nextCursor })}` : null,
    })}</section>`,
  });
}

/** The course form's controls: the code, each language's texts in a fieldset of its own, and the details. */
function courseFields(language: Language, values: CourseForm, errors: FormErrors) {
  const words = consoleMessages(language).admin.courses;
  const { input, errorOf } = formControls(values, errors);
  const textarea = (id: LanguageField, label: string, max: number, code: Language) =>
    field({ id, label, error: errorOf(id), control: html`<textarea id="${id}" name="${id}" maxlength="${String(max)}" rows="3" dir="${directionOf(code)}" lang="${code}"${described(id, { error: errorOf(id) })}>${values[id] ?? ''}</textarea>` });
  const types = [...new Set([...ACHIEVEMENT_TYPES, values.achievementType ?? 'MicroCredential'])].map((type) => ({ value: type, label: type }));
  return html`${input('code', words.code, { hint: words.codeHint, max: 64, dir: 'ltr' })}<p class="hint">${words.textsHint}</p>
${LANGUAGES.map(
  (code) =>
    html`<fieldset><legend>${languageName(code, language)}</legend>${input(`name-${code}`, words.courseName, { max: 200, dir: directionOf(code), lang: code })}${textarea(`description-${code}`, words.description, 2000, code)}${textarea(`criteria-${code}`, words.criteria, 4000, code)}</fieldset>`,
)}
<div class="form-grid">${field({ id: 'achievementType', label: words.achievementType, error: errorOf('achievementType'), control: html`<select id="achievementType" name="achievementType" dir="ltr"${described('achievementType', { error: errorOf('achievementType') })}>${selectOptions(types, values.achievementType ?? 'MicroCredential')}</select>` })}
${input('series', words.series, { hint: words.seriesHint, max: 100 })}${input('level', words.level, { hint: words.levelHint, max: 100 })}${input('hours', words.hours, { type: 'number', hint: words.hoursHint, dir: 'ltr' })}</div>`;
}

/** GET /console/admin/courses/new (and again after a refused submission). */
export function renderCourseForm({ language, platformName, viewer, values = {}, errors = [] }: AdminPageBase & { values?: CourseForm; errors?: FormErrors }): string {
  const text = consoleMessages(language);
  const words = text.admin.courses;
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'courses',
    title: words.define,
    path: '/console/admin/courses/new',
    main: html`<h1>${words.define}</h1>${errorSummary(language, errors)}<p>${words.newIntro}</p>${postForm(
      viewer,
      `/console/admin/courses?lang=${language}`,
      html`${courseFields(language, values, errors)}<p class="actions"><button type="submit" class="primary" data-once>${words.create}</button> <a class="button" href="/console/admin/courses?lang=${language}">${text.common.cancel}</a></p>`,
      html` novalidate`,
    )}`,
  });
}

export interface CourseVersionEntry {
  version: number;
  url: string;
  createdAt: string;
  current: boolean;
}

/** GET /console/admin/courses/:id: the course's versions and the form that publishes the next one, filled with the current. */
export function renderCoursePage({
  language,
  platformName,
  viewer,
  course,
  versions,
  values,
  errors = [],
  message,
}: AdminPageBase & { course: AdminCourse & { url: string }; versions: CourseVersionEntry[]; values: CourseForm; errors?: FormErrors; message?: string }): string {
  const text = consoleMessages(language);
  const words = text.admin.courses;
  const rows = versions.map(
    (entry) =>
      html`<tr><td>${words.currentVersion({ version: String(entry.version) })}${entry.current ? html` <span class="muted">${words.current}</span>` : ''}</td><td>${formatDate(entry.createdAt, language, true)}</td><td><a href="${entry.url}?lang=${language}">${words.asJson}</a></td></tr>`,
  );
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'courses',
    title: course.name,
    path: `/console/admin/courses/${course.id}`,
    main: html`<h1><bdi>${course.name}</bdi></h1>${errorSummary(language, errors)}${notice(message)}<p><span class="code" dir="ltr">${course.code}</span> · ${words.currentVersion({ version: String(course.version) })} · <a href="/console/admin/authorisations?${queryOf({ lang: language, course: course.id })}">${words.authorisationsLink}</a></p>
<section aria-labelledby="versions-heading"><h2 id="versions-heading">${words.versionsHeading}</h2>${table([words.version, words.published, ''], rows)}</section>
<section aria-labelledby="new-version-heading"><h2 id="new-version-heading">${words.newVersionHeading}</h2><p>${words.newVersionIntro}</p>${postForm(
      viewer,
      `/console/admin/courses/${course.id}?lang=${language}`,
      html`${courseFields(language, values, errors)}<p class="actions"><button type="submit" class="primary" data-once>${words.publish}</button></p>`,
      html` novalidate`,
    )}</section>`,
  });
}
