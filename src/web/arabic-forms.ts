/**
 * Arabic letters as their presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF): the letter joined or not on each
 * side, chosen here instead of by the font's shaping.
 *
 * Why: a PDF maps each glyph to one text (the font's ToUnicode table). Shaped by the font, Noto Sans Arabic draws
 * many letters as one dotless skeleton plus separate dot glyphs (ب ت ث ن ي share a skeleton, so do ر and ز), and a
 * reader such as pdf.js can then only say one of those letters for all of them. Each presentation form has a
 * glyph of its own, dots included, and Unicode normalisation (NFKC) maps it back to its letter, so text copied or
 * searched from the PDF is the name as written.
 */

type Forms = { isol: number; fina?: number; init?: number; medi?: number };

// The presentation forms of a letter are consecutive code points in the order isolated, final[, initial, medial]
// (one form: never joins, hamza; two: joins only to the letter before it; four: joins on both sides). Read the
// blocks by grouping neighbours with the same compatibility decomposition.
const LETTER_BLOCKS: [number, number][] = [
  [0xfb50, 0xfbb1], // Persian, Urdu and other extended letters
  [0xfbd3, 0xfbe7],
  [0xfbfc, 0xfbff], // Farsi yeh
  [0xfe80, 0xfef4], // the Arabic alphabet
];
const FORMS = new Map<string, Forms>();
for (const [first, last] of LETTER_BLOCKS) {
  for (let codePoint = first; codePoint <= last; ) {
    const letter = String.fromCodePoint(codePoint).normalize('NFKC');
    const group: number[] = [];
    while (codePoint <= last && String.fromCodePoint(codePoint).normalize('NFKC') === letter) group.push(codePoint++);
    const [isol, fina, init, medi] = group as [number, number?, number?, number?];
    FORMS.set(letter, { isol, fina, init, medi });
  }
}
// Alef maksura joins on both sides; its initial and medial forms sit apart, in the extended block.
FORMS.set('ى', { ...FORMS.get('ى')!, init: 0xfbe8, medi: 0xfbe9 });

// The font draws lam and alef as one ligature (its required ligatures, which stay on), from their joined forms; an
// alef with hamza or madda after a lam is written as the alef plus the mark, so that the ligature takes it as well.
const LAM = 'ل';
const ALEF_FINAL = 0xfe8e;
const ALEF_WITH_MARK = /^\u0627[\u0653-\u0655]$/u;

// Letters already in presentation forms are kept as they are.
const PRESENTATION_FORM = /[\ufb50-\ufdff\ufe70-\ufeff]/u;
const ARABIC_LETTER = /(?=\p{L})\p{Script=Arabic}/u;
// Marks and format characters do not break a join (Unicode joining type T); tatweel and ZWJ join on both sides (C).
const TRANSPARENT = /(?![\u200c\u200d])[\p{Mn}\p{Me}\p{Cf}]/u;
const JOIN_CAUSING = /[\u0640\u200d]/u;

/** Whether a character joins the letter after it (dual-joining letters, tatweel, ZWJ). */
const joinsAfter = (char: string | undefined) => char !== undefined && (JOIN_CAUSING.test(char) || FORMS.get(char)?.init !== undefined);
/** Whether a character joins the letter before it (dual- and right-joining letters, tatweel, ZWJ). */
const joinsBefore = (char: string | undefined) => char !== undefined && (JOIN_CAUSING.test(char) || FORMS.get(char)?.fina !== undefined);

const MARK = /\p{Mn}/u;

/**
 * Arabic text (logical order) with each letter as the presentation form its neighbours call for; null when a letter
 * has none (a rare extended letter) or carries a mark that the font cannot place on its form (`placesMarks`): the
 * font then shapes the text itself.
 */
export function presentationForms(text: string, placesMarks: (form: number) => boolean): string | null {
  const chars = [...text];
  // the nearest character on a side that is not transparent
  const neighbour = (index: number, step: 1 | -1) => {
    for (let i = index + step; i >= 0 && i < chars.length; i += step) if (!TRANSPARENT.test(chars[i]!)) return chars[i];
    return undefined;
  };
  let out = '';
  for (const [i, char] of chars.entries()) {
    const forms = FORMS.get(char);
    if (!forms) {
      if (ARABIC_LETTER.test(char) && !PRESENTATION_FORM.test(char)) return null;
      out += char;
      continue;
    }
    const before = neighbour(i, -1);
    const joinedBefore = joinsAfter(before);
    const decomposed = char.normalize('NFD');
    if (before === LAM && joinedBefore && ALEF_WITH_MARK.test(decomposed)) {
      out += String.fromCodePoint(ALEF_FINAL) + decomposed.slice(1);
      continue;
    }
    const joinedAfter = joinsBefore(neighbour(i, 1));
    const form = (joinedBefore && joinedAfter && forms.medi) || (joinedBefore && forms.fina) || (joinedAfter && forms.init) || forms.isol;
    if (MARK.test(chars[i + 1] ?? '') && !placesMarks(form)) return null;
    out += String.fromCodePoint(form);
  }
  return out;
}
