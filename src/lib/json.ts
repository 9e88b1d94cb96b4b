// Readers of JSON that may be malformed in any way (an uploaded credential, a proof from another issuer): each
// answers with a safe default instead of throwing, so a report or a page can be produced for anything.

/** The value as an object, or an empty one when it is not an object. */
export const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A JSON-LD value as a list: absent → none, a list → itself, a single value → a list of one. */
export const listOf = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The first item of a list, or the value itself (JSON-LD lets a single value stand for a list of one). */
export const firstOf = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);
