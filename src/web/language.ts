import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage, type Language, languageFromAcceptLanguage } from '../lib/i18n.js';

/** The cookie the language switcher sets: a visitor who chose a language keeps it on every page. */
export const LANGUAGE_COOKIE = 'lang';
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/**
 * The page language: `?lang=`, then the switcher's cookie, then Accept-Language, then English. Only the language
 * switcher's links (`?lang=xx&remember=1`, plain links: no script) set the cookie: a `?lang=` in a link someone
 * shared shows that page in that language but does not pin the visitor to it.
 */
export function pageLanguage(request: FastifyRequest, reply: FastifyReply): Language {
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (isLanguage(query.lang)) {
    if (query.remember === '1') reply.setCookie(LANGUAGE_COOKIE, query.lang, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true });
    return query.lang;
  }
  const remembered = request.cookies?.[LANGUAGE_COOKIE];
  if (isLanguage(remembered)) return remembered;
  return languageFromAcceptLanguage(request.headers['accept-language']) ?? 'en';
}

/** Text direction of a language, for `<html dir>` and the PDF layout. */
export const directionOf = (language: Language): 'rtl' | 'ltr' => (language === 'ar' ? 'rtl' : 'ltr');

/** The BCP 47 locale `Intl` formats dates and numbers with. */
export const localeOf = (language: Language) => (language === 'zh' ? 'zh-CN' : language);

/** A date as people read it in the language (day, month name, year), in UTC so every reader sees the same day. */
export function formatDate(value: Date | string, language: Language, withTime = false): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return formatter(`date ${language} ${withTime}`, () =>
    // dateStyle/timeStyle cannot name the zone, so a time is spelled out in parts
    new Intl.DateTimeFormat(
      localeOf(language),
      withTime ? { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: 'UTC' } : { dateStyle: 'long', timeZone: 'UTC' },
    ),
  ).format(date);
}

/** A list of names (columns, permissions) joined as the language joins them. */
export function formatList(values: string[], language: Language): string {
  return new Intl.ListFormat(localeOf(language), { type: 'unit', style: 'short' }).format(values);
}

/** A language's name in the reader's language ("French", « anglais », «الفرنسية», “法语”). */
export function languageName(code: string, language: Language): string {
  return new Intl.DisplayNames([localeOf(language)], { type: 'language' }).of(code) ?? code;
}

export function formatNumber(value: number, language: Language): string {
  return formatter(`number ${language}`, () => new Intl.NumberFormat(localeOf(language))).format(value);
}

// Building an Intl formatter costs far more than using one, and a page formats a dozen dates: keep one per kind.
const formatters = new Map<string, { format(value: Date | number): string }>();
function formatter(key: string, create: () => { format(value: Date | number): string }) {
  let existing = formatters.get(key);
  if (!existing) formatters.set(key, (existing = create()));
  return existing;
}
