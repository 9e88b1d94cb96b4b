import { en, type ConsoleMessages } from './en.js';

// Placeholder while the translation is written: English.
export const zh: ConsoleMessages = en;
