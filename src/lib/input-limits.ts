import { HttpProblem, problemType } from './problem.js';

/**
 * How deep a JSON document we accept may nest. A credential nests about 8 levels; the limit keeps generous room
 * for richer ones (endorsements, results, alignments) while keeping every recursive step after parsing
 * (structuredClone, JSON-LD expansion, canonicalisation, the validators) far from the stack's end.
 */
export const MAX_INPUT_DEPTH = 64;

// U+0000 cannot be stored by PostgreSQL (text or jsonb) and has no place in a name, URL or credential; a lone
// UTF-16 surrogate is not Unicode text at all (jsonb refuses it, and the JSON-LD canonical form cannot hold it).
const NUL = '\u0000';

// without the u flag a regular expression reads code units, so it can see a surrogate without its partner
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textFlaw(text: string): string | undefined {
  if (text.includes(NUL)) return 'contains a NUL character (U+0000); remove it';
  const lone = LONE_SURROGATE.exec(text);
  if (!lone) return undefined;
  const unit = lone[0].charCodeAt(0).toString(16).toUpperCase();
  return `contains an unpaired UTF-16 surrogate (U+${unit} at offset ${lone.index}); send well-formed Unicode text`;
}

const MAX_PATH_LENGTH = 120;
/** The path of a child, in the validation errors' dot/bracket notation; a very deep one ends in "…". */
function pathOf(parent: string, key: string | number): string {
  if (parent.length > MAX_PATH_LENGTH) return parent.endsWith('…') ? parent : `${parent}…`;
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$@][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key.replace(new RegExp(LONE_SURROGATE, 'g'), '\ufffd'))}]`;
}

/**
 * The first place in an input value (a parsed JSON body, path or query parameters) that the service cannot
 * process: nesting deeper than MAX_INPUT_DEPTH, or a key or string that is not storable Unicode text. Iterative,
 * so no input can exhaust the stack while it is being checked.
 */
export function findInputFlaw(value: unknown, root: string): { path: string; message: string; kind: 'depth' | 'text' } | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (pending.length > 0) {
    const { value: item, path, depth } = pending.pop() as (typeof pending)[number];
    if (typeof item === 'string') {
      const message = textFlaw(item);
      if (message) return { path, message, kind: 'text' };
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { path, message: `is nested more than ${MAX_INPUT_DEPTH} levels deep; flatten the document`, kind: 'depth' };
    const entries: [string | number, unknown][] = Array.isArray(item) ? item.map((child, index) => [index, child]) : Object.entries(item);
    for (const [key, child] of entries) {
      if (typeof key === 'string') {
        const message = textFlaw(key);
        if (message) return { path: pathOf(path, key), message: `has a key that ${message}`, kind: 'text' };
      }
      pending.push({ value: child, path: pathOf(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/** Throws the 422 problem that names the first unprocessable place in an input value, if there is one. */
export function rejectInputFlaws(value: unknown, root: string): void {
  const flaw = findInputFlaw(value, root);
  if (!flaw) return;
  const [slug, what] = flaw.kind === 'depth' ? ['too-deeply-nested', 'nested too deeply'] : ['invalid-text', 'not valid Unicode text'];
  throw new HttpProblem({
    status: 422,
    type: problemType(slug),
    title: 'Unprocessable Content',
    detail: `The request is ${what}: ${flaw.path} ${flaw.message}.`,
    errors: [{ path: flaw.path, message: flaw.message }],
  });
}
