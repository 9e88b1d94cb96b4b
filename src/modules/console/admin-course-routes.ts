import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Language, LANGUAGES, pickLocalized } from '../../lib/i18n.js';
import { HttpProblem } from '../../lib/problem.js';
import { type AdminCourse, COURSE_FORM_FIELDS, COURSE_TEXTS, type CourseForm, renderCourseForm, renderCourseListPage, renderCoursePage } from '../../web/console/admin-course-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { readCourseCode } from '../achievements/codes.js';
import { createCourseBodySchema, updateCourseBodySchema } from '../achievements/schemas.js';
import { courseView, createCourse, getAchievement, listCourses, listCourseVersions, updateCourse } from '../achievements/service.js';
import { ADMIN, adminQuery, doneRedirect, form, type FormErrors, PAGE_SIZE } from './admin-forms.js';
import { pageContext, problemMessage, sendPage } from './pages.js';

const COURSES = '/console/admin/courses';
const idParams = z.object({ id: z.string().max(100) });
const courseQuery = adminQuery.extend({ version: z.string().max(20).optional() });

type CourseView = ReturnType<typeof courseView>;
type Localized = Partial<Record<Language, string>>;

const adminCourse = (view: CourseView, language: Language): AdminCourse => ({ id: view.id, code: view.code, name: pickLocalized(view.name, language).value, version: view.version, languages: view.languages });

/** The form filled with a course's current content (what the next version starts from). */
function courseFormOf(view: CourseView): CourseForm {
  const values: CourseForm = { code: view.code, achievementType: view.achievementType, series: view.series ?? '', level: view.level ?? '', hours: view.hours === null ? '' : String(view.hours) };
  for (const text of COURSE_TEXTS) for (const code of LANGUAGES) values[`${text}-${code}`] = view[text][code] ?? '';
  return values;
}

const given = (value: string | undefined) => (value?.trim() ? value : undefined);
const textsOf = (values: CourseForm, text: (typeof COURSE_TEXTS)[number]): Localized =>
  Object.fromEntries(LANGUAGES.flatMap((code) => (given(values[`${text}-${code}`]) ? [[code, values[`${text}-${code}`]]] : [])));
// A number for the schema to judge; what is not one is given as typed, for the schema to refuse at its field.
const hoursOf = (value: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);

/**
 * Where a complaint about one of the texts belongs: at the language the complaint names, else at the first language
 * where this text and the name disagree (one given, the other not), else English.
 */
function textField(values: CourseForm, text: (typeof COURSE_TEXTS)[number], languageInPath?: string) {
  if (languageInPath) return `${text}-${languageInPath}`;
  const names = textsOf(values, 'name');
  const texts = textsOf(values, text);
  const differs = LANGUAGES.find((code) => (names[code] === undefined) !== (texts[code] === undefined));
  return `${text}-${differs ?? 'en'}`;
}

/** The zod issues (or a service's error paths) of a course form as errors at its fields, in the reader's words. */
function courseErrors(paths: (readonly PropertyKey[])[], values: CourseForm, language: Language): FormErrors {
  const invalid = consoleMessages(language).admin.invalid;
  const errors = new Map<string, string>();
  const textMessage = { name: invalid.courseName, description: invalid.description, criteria: invalid.criteria };
  const anyText = COURSE_TEXTS.some((text) => Object.keys(textsOf(values, text)).length > 0);
  for (const path of paths) {
    const [first, second] = path.map(String);
    if (first === 'name' || first === 'description' || first === 'criteria') {
      const fieldId = textField(values, first, second);
      errors.set(fieldId, second ? textMessage[first] : anyText ? invalid.languages : invalid.textsRequired);
    } else if (first === 'code') errors.set('code', invalid.code);
    else if (first === 'achievementType' || first === 'series' || first === 'level' || first === 'hours') errors.set(first, invalid[first]);
  }
  return [...errors].map(([field, message]) => ({ field, message }));
}

/** The form as the API's request body (create, or a new version), judged by the API's schema. */
function readCourseForm(values: CourseForm, language: Language, { update }: { update: boolean }) {
  const cleared = update ? null : undefined;
  const body = {
    ...(given(values.code) ? { code: values.code!.trim() } : {}),
    name: textsOf(values, 'name'),
    description: textsOf(values, 'description'),
    criteria: textsOf(values, 'criteria'),
    ...(given(values.achievementType) ? { achievementType: values.achievementType } : {}),
    series: given(values.series) ?? cleared,
    level: given(values.level) ?? cleared,
    hours: given(values.hours) ? hoursOf(values.hours!) : cleared,
  };
  const parsed = (update ? updateCourseBodySchema : createCourseBodySchema).safeParse(body);
  const codeReading = body.code === undefined ? undefined : readCourseCode(body.code);
  const errors = [...(codeReading?.valid === false ? [{ field: 'code', message: consoleMessages(language).admin.invalid.code }] : []), ...(parsed.success ? [] : courseErrors(parsed.error.issues.map((issue) => issue.path), values, language))];
  return parsed.success && errors.length === 0 ? { input: parsed.data, errors } : { errors };
}

/** A service's refusal of a course (code format or taken, languages that differ) at its fields. */
function serviceRefusal(error: unknown, values: CourseForm, language: Language): FormErrors {
  if (!(error instanceof HttpProblem) || (error.status !== 409 && error.status !== 422)) throw error;
  const slug = error.type.slice(error.type.lastIndexOf('/') + 1);
  if (slug === 'course-code-taken' || slug === 'invalid-course-code') return [{ field: 'code', message: problemMessage(language, error) }];
  const paths = (error.errors ?? []).map((entry) => entry.path.replace(/^body\./, '').split('.'));
  const errors = courseErrors(paths, values, language);
  return errors.length ? errors : [{ field: 'name-en', message: problemMessage(language, error) }];
}

/** The platform's courses: the list, a new course, and a course's versions with the form that publishes the next. */
const adminCourseRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;

  app.get(COURSES, { config: ADMIN, schema: { hide: true, querystring: adminQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const page = await listCourses({ db: ctx.db, config: ctx.config, limit: PAGE_SIZE, cursor: request.query.cursor });
    return sendPage(
      reply,
      renderCourseListPage({ language, platformName, viewer: viewer!, courses: page.items.map((course) => adminCourse(course, language)), firstPage: !request.query.cursor, nextCursor: page.nextCursor }),
    );
  });

  app.get(`${COURSES}/new`, { config: ADMIN, schema: { hide: true, querystring: adminQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    return sendPage(reply, renderCourseForm({ language, platformName, viewer: viewer! }));
  });

  app.post(COURSES, { config: ADMIN, schema: { hide: true, body: form(COURSE_FORM_FIELDS) } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { _csrf: _token, ...values } = request.body;
    const refused = (errors: FormErrors) => sendPage(reply, renderCourseForm({ language, platformName, viewer: viewer!, values, errors }), 422);
    const { input, errors } = readCourseForm(values, language, { update: false });
    if (!input) return refused(errors);
    try {
      const course = await createCourse({ ctx, actor: request.consoleSession!.principal, input: input as z.output<typeof createCourseBodySchema> });
      return doneRedirect(request, reply, `${COURSES}/${course.id}`, 'created');
    } catch (error) {
      return refused(serviceRefusal(error, values, language));
    }
  });

  /** A course's page: its versions, and the next version's form (the current content, or what was typed and refused). */
  async function showCourse(request: FastifyRequest, reply: FastifyReply, { values, errors, message, status = 200 }: { values?: CourseForm; errors?: FormErrors; message?: string; status?: number } = {}) {
    const { language, viewer } = await pageContext(request, reply);
    const { id } = request.params as { id: string };
    const view = courseView(await getAchievement({ db: ctx.db, id }), ctx.config);
    const { versions } = await listCourseVersions({ db: ctx.db, config: ctx.config, id: view.id });
    return sendPage(
      reply,
      renderCoursePage({ language, platformName, viewer: viewer!, course: { ...adminCourse(view, language), url: view.url }, versions, values: values ?? courseFormOf(view), errors, message }),
      status,
    );
  }

  app.get(`${COURSES}/:id`, { config: ADMIN, schema: { hide: true, params: idParams, querystring: courseQuery } }, async (request, reply) => {
    const words = consoleMessages((await pageContext(request, reply)).language).admin;
    const { done, version } = request.query;
    const messages: Record<string, string> = {
      created: words.done.courseCreated,
      version: words.done.versionPublished({ version: version ?? '' }),
      code: words.done.codeChanged,
      unchanged: words.courses.unchanged,
    };
    return showCourse(request, reply, { message: messages[done ?? ''] });
  });

  app.post(`${COURSES}/:id`, { config: ADMIN, schema: { hide: true, params: idParams, body: form(COURSE_FORM_FIELDS) } }, async (request, reply) => {
    const { language } = await pageContext(request, reply);
    const { _csrf: _token, ...values } = request.body;
    const before = await getAchievement({ db: ctx.db, id: request.params.id });
    const { input, errors } = readCourseForm(values, language, { update: true });
    if (!input) return showCourse(request, reply, { values, errors, status: 422 });
    let result: Awaited<ReturnType<typeof updateCourse>>;
    try {
      result = await updateCourse({ ctx, actor: request.consoleSession!.principal, id: before.id, changes: input as z.output<typeof updateCourseBodySchema> });
    } catch (error) {
      return showCourse(request, reply, { values, errors: serviceRefusal(error, values, language), status: 422 });
    }
    const { course, changed } = result;
    const path = `${COURSES}/${course.id}`;
    if (!changed) return doneRedirect(request, reply, path, 'unchanged');
    return course.version === before.version ? doneRedirect(request, reply, path, 'code') : doneRedirect(request, reply, path, 'version', { version: String(course.version) });
  });
};

export default adminCourseRoutes;
