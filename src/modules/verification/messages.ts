import { isolate, isolateLatinRuns, type Language } from '../../lib/i18n.js';
import type { CheckCode } from './report.js';
import { ar } from './messages/ar.js';
import { en } from './messages/en.js';
import { fr } from './messages/fr.js';
import type { Catalogue, Params } from './messages/types.js';
import { zh } from './messages/zh.js';

export type { Catalogue, Params } from './messages/types.js';

/** One catalogue per language, each with exactly the keys of the English one (checked by the tests). */
export const catalogues: Record<Language, Catalogue> = { en, fr, ar, zh };

/** The message of a check in the given language; English for a language without a catalogue. */
export function checkMessage(code: CheckCode, params: Params = {}, language: Language = 'en'): string {
  return (catalogues[language]?.[code] ?? en[code])(language === 'ar' ? isolated(params) : params);
}

/**
 * In right-to-left text a Latin value such as "1+X GenAI Foundation" is reordered by its neighbours unless isolated, and
 * so is a Latin run inside an Arabic value (the "1+X" of an Arabic course name).
 */
function isolated(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value === undefined ? undefined : isolate(isolateLatinRuns(value))]));
}
