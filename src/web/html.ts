/**
 * Markup built from template literals where every interpolated value is escaped unless it is already markup.
 * Pages are small and server-rendered; this is the whole templating layer, so escaping cannot be forgotten.
 */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] as string);
}

/** Values allowed in a template: text (escaped), markup, lists of either, and nothing (false/null/undefined). */
export type Fragment = Html | string | number | false | null | undefined | readonly Fragment[];

function render(fragment: Fragment): string {
  if (fragment === false || fragment === null || fragment === undefined) return '';
  if (fragment instanceof Html) return fragment.value;
  if (Array.isArray(fragment)) return fragment.map(render).join('');
  return escapeHtml(String(fragment));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

/** Trusted markup made by our own code (an SVG from the QR generator, the stylesheet). */
export const trusted = (markup: string) => new Html(markup);
