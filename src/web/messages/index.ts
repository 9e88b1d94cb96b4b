import type { Language } from '../../lib/i18n.js';
import { ar } from './ar.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { COURSE_LEVELS, type PageMessages } from './types.js';
import { zh } from './zh.js';

export type { PageMessages } from './types.js';

/** One catalogue per language, each with exactly the keys of the English one (checked by the tests). */
export const pageCatalogues: Record<Language, PageMessages> = { en, fr, ar, zh };

export function pageMessages(language: Language): PageMessages {
  return pageCatalogues[language];
}

/**
 * A course level in the reader's language. The catalogue writes levels in English ("Foundation"); the IIOE's own levels
 * are translated, whatever their case, and any other level is shown as the catalogue writes it.
 */
export function courseLevelIn(level: string, language: Language): string {
  const known = COURSE_LEVELS.find((candidate) => candidate.toLowerCase() === level.trim().toLowerCase());
  return known ? pageCatalogues[language].levels[known] : level;
}
