import type { CheckCode } from '../report.js';

/** Values interpolated into a check message (names, dates, reasons); any may be missing. */
export type Params = Record<string, string | undefined>;

/**
 * One language's check messages: a function per check code. Parameters are inserted as given (names are never
 * translated, dates arrive preformatted); only the surrounding words belong to the language.
 */
export type Catalogue = Record<CheckCode, (params: Params) => string>;
