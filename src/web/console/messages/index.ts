import type { Language } from '../../../lib/i18n.js';
import { ar } from './ar.js';
import { en, type ConsoleMessages } from './en.js';
import { fr } from './fr.js';
import { zh } from './zh.js';

export type { ConsoleMessages } from './en.js';

/** One catalogue per language, each with exactly the keys of the English one. */
export const consoleCatalogues: Record<Language, ConsoleMessages> = { en, fr, ar, zh };

export const consoleMessages = (language: Language): ConsoleMessages => consoleCatalogues[language];
