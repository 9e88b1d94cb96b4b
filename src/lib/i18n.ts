/** The languages the product speaks. Course and centre texts may exist in any subset of them. */
export const LANGUAGES = ['en', 'fr', 'ar', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Wraps a value inserted into a sentence between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (Unicode bidi,
 * UAX #9), so its direction cannot reorder the words around it: a Latin "1+X GenAI Foundation" inside Arabic text,
 * an Arabic centre name inside French. Invisible; honoured by browsers and text engines.
 */
export const isolate = (value: string) => `\u2068${value}\u2069`;

// A run of Latin-script words with their digits and joining signs ("1+X GenAI", "A.I.-ready"), holding a Latin letter.
const LATIN_RUN = /[\p{Nd}\p{Script=Latin}](?:[\p{Nd}\p{Script=Latin}+\-./&']|\s(?=[\p{Nd}\p{Script=Latin}]))*/gu;
const ARABIC_LETTER = /\p{Script=Arabic}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;

/**
 * In a right-to-left text, each Latin run isolated left to right (LRI…PDI): without it, "أساسيات 1+X" is drawn
 * "X+1" (the "+" between a number and a Latin letter takes the Arabic direction). Text without Arabic is returned as is.
 */
export function isolateLatinRuns(text: string): string {
  if (!ARABIC_LETTER.test(text)) return text;
  return text.replace(LATIN_RUN, (run) => (LATIN_LETTER.test(run) ? `\u2066${run}\u2069` : run));
}

/** A text in several languages, keyed by language code; at least one entry. */
export type LocalizedText = Partial<Record<Language, string>>;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Picks the text in `language`, else in `fallback`, else English, else the first one present, and reports
 * which language was actually used (a credential records the language of the texts it carries).
 */
export function pickLocalized(
  text: LocalizedText,
  language: Language,
  fallback: Language = 'en',
): { value: string; language: Language } {
  for (const candidate of [language, fallback, 'en' as const, ...LANGUAGES]) {
    const value = text[candidate];
    if (value !== undefined) return { value, language: candidate };
  }
  throw new Error('LocalizedText without any language');
}

/** Languages for which every one of the given texts exists. */
export function commonLanguages(...texts: LocalizedText[]): Language[] {
  return LANGUAGES.filter((language) => texts.every((text) => text[language] !== undefined));
}

/** The best of our languages for an Accept-Language header (RFC 9110 §12.5.4), or undefined. */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', quality: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((entry) => entry.quality > 0 && !Number.isNaN(entry.quality))
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
  return ranked.map((entry) => entry.base).find(isLanguage);
}

/** `?lang=` wins, then Accept-Language, then the fallback (a centre's default language, else English). */
export function chooseLanguage({ lang, acceptLanguage, fallback = 'en' }: { lang?: Language; acceptLanguage?: string; fallback?: Language }): Language {
  return lang ?? languageFromAcceptLanguage(acceptLanguage) ?? fallback;
}
