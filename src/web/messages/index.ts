import type { Language } from '../../lib/i18n.js';
import { ar } from './ar.js';
import { en } from './en.js';
import { fr } from './fr.js';
import type { PageMessages } from './types.js';
import { zh } from './zh.js';

export type { PageMessages } from './types.js';

/** One catalogue per language, each with exactly the keys of the English one (checked by the tests). */
export const pageCatalogues: Record<Language, PageMessages> = { en, fr, ar, zh };

export function pageMessages(language: Language): PageMessages {
  return pageCatalogues[language];
}
