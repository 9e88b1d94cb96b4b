import bidiModule, { type Bidi } from 'bidi-js';

/**
 * Lines of mixed-script, mixed-direction text for a PDF. pdfkit (fontkit) shapes each run it is given — it joins
 * Arabic letters and, for a right-to-left script, puts the glyphs in right-to-left order — but it neither runs
 * the Unicode bidi algorithm across a line nor switches fonts, so a line is cut here into runs of one direction
 * and one font, in visual order, left to right.
 */

/** The font families of the certificate: each run of text uses the one that has its glyphs. */
export type Face = 'latin' | 'arabic' | 'cjk';
export type Direction = 'ltr' | 'rtl';

/** One piece of a line, drawn left to right after the previous one. `text` is what to hand to pdfkit. */
export interface Run {
  text: string;
  face: Face;
}

/** Which fonts a document has, and which characters each covers (the fonts' cmaps). */
export interface Fonts {
  available: readonly Face[];
  covers(face: Face, codePoint: number): boolean;
}

// bidi-js is a UMD bundle whose typings declare an ES default export; under Node's ESM the import is the
// CommonJS module.exports itself, i.e. the factory (the `.default` fallback covers bundlers that wrap it).
type BidiFactory = () => Bidi;
const bidiFactory = (bidiModule as unknown as { default?: BidiFactory }).default ?? (bidiModule as unknown as BidiFactory);
const bidi = bidiFactory();

const ARABIC = /\p{Script=Arabic}/u;
// Han and the kana, plus the CJK punctuation and full-width forms (script Common, but drawn by the CJK font).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;
// fontkit lays out (and reverses) a run right to left when the first character of a real script in it belongs to
// one of these scripts (its own list, see fontkit's Script.direction).
const FONTKIT_RTL =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Cypriot}\p{Script=Kharoshthi}\p{Script=Phoenician}\p{Script=Nko}\p{Script=Lydian}\p{Script=Avestan}\p{Script=Imperial_Aramaic}\p{Script=Inscriptional_Pahlavi}\p{Script=Inscriptional_Parthian}\p{Script=Old_South_Arabian}\p{Script=Old_Turkic}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Meroitic_Cursive}\p{Script=Meroitic_Hieroglyphs}\p{Script=Manichaean}\p{Script=Mende_Kikakui}\p{Script=Nabataean}\p{Script=Old_North_Arabian}\p{Script=Palmyrene}\p{Script=Psalter_Pahlavi}]/u;
// Marks and joiners belong to the letter before them: splitting them off would break shaping.
const ATTACHED = /[\p{M}\u200c\u200d]/u;
// Bidi formatting characters steer the ordering but have no glyph (drawn, they would be .notdef boxes).
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The fonts a text needs: Latin always (digits, punctuation, the code and link), Arabic and CJK if it has them. */
export function facesFor(text: string): Face[] {
  return ['latin', ...(ARABIC.test(text) ? (['arabic'] as const) : []), ...(CJK.test(text) ? (['cjk'] as const) : [])];
}

/** Text without the bidi formatting characters, as a reader copies it. */
export const withoutBidiControls = (text: string) => text.replace(BIDI_CONTROLS, '');

/** The direction of a paragraph, from its first strong character (text inside isolates does not count). */
export function paragraphDirection(text: string, fallback: Direction): Direction {
  if (!/[\p{L}]/u.test(text.replace(/\u2068[^\u2069]*\u2069?/gu, ''))) return fallback;
  return (bidi.getEmbeddingLevels(text, 'auto').paragraphs[0]?.level ?? 0) % 2 === 1 ? 'rtl' : 'ltr';
}

/** The font of each UTF-16 unit of `text`: by script, neutral characters taking their neighbours' font. */
function facesOf(text: string, fonts: Fonts): Face[] {
  const faces: (Face | null)[] = new Array(text.length).fill(null);
  const usable = (face: Face) => fonts.available.includes(face);
  const pick = (preferred: Face, codePoint: number): Face =>
    [preferred, ...fonts.available].find((face) => usable(face) && fonts.covers(face, codePoint)) ?? 'latin';
  for (let i = 0; i < text.length; i++) {
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    if (ARABIC.test(char) && !ATTACHED.test(char)) faces[i] = pick('arabic', codePoint);
    else if (CJK.test(char)) faces[i] = pick('cjk', codePoint);
    else if (!NEUTRAL.test(char)) faces[i] = pick('latin', codePoint);
    if (codePoint > 0xffff) faces[++i] = faces[i - 1]!;
  }
  // Neutrals (spaces, digits, punctuation, marks) keep the font of the text before them, else after them, if it
  // has their glyph: a space inside an Arabic name stays in the Arabic run, so the name is shaped as one piece.
  const strong = [...faces];
  const next: (Face | null)[] = new Array(text.length).fill(null); // the font of the next strong character
  for (let i = text.length - 2; i >= 0; i--) next[i] = strong[i + 1] ?? next[i + 1] ?? null;
  for (let i = 0; i < text.length; i++) {
    if (faces[i] !== null) continue;
    const codePoint = text.codePointAt(i)!;
    const before = (i > 0 && faces[i - 1]) || null;
    const after = next[i] ?? null;
    if (before && ATTACHED.test(String.fromCodePoint(codePoint))) faces[i] = before;
    else faces[i] = [before, after].find((face): face is Face => face != null && fonts.covers(face, codePoint)) ?? pick('latin', codePoint);
    if (codePoint > 0xffff) faces[++i] = faces[i - 1]!;
  }
  return faces as Face[];
}

// In a right-to-left run, brackets and the like take their mirrored glyph (UAX #9 L4): done here, because fontkit
// does not (Noto Sans Arabic's rtlm feature does not cover the ASCII brackets).
const mirrored = (chars: string[]) => chars.map((char) => bidi.getMirroredCharacter(char) ?? char);

/** One line (no wrapping here) as runs in visual order, left to right. */
export function visualRuns(line: string, direction: Direction, fonts: Fonts): Run[] {
  if (line === '') return [];
  const faces = facesOf(line, fonts);
  const embedding = bidi.getEmbeddingLevels(line, direction);
  const { levels } = embedding;
  const order = bidi.getReorderedIndices(line, embedding);
  // Group the visual order into runs of one level and one font; within a run the logical indices are consecutive,
  // ascending for a left-to-right level, descending for a right-to-left one. Arabic words and the spaces between
  // them are runs of their own: the certificate chooses for each word how to draw it (see arabic-forms).
  const groups: { from: number; to: number; level: number; face: Face; space: boolean }[] = [];
  for (const index of order) {
    const level = levels[index]!;
    const face = faces[index]!;
    const space = face === 'arabic' && /\s/u.test(line[index]!);
    const last = groups.at(-1);
    const step = level % 2 === 1 ? -1 : 1;
    if (last && last.level === level && last.face === face && last.space === space && index === (step === 1 ? last.to + 1 : last.from - 1)) {
      if (step === 1) last.to = index;
      else last.from = index;
    } else groups.push({ from: index, to: index, level, face, space });
  }
  const runs: Run[] = [];
  for (const group of groups) {
    const logical = withoutBidiControls(line.slice(group.from, group.to + 1));
    if (logical === '') continue;
    let text = logical;
    if (group.level % 2 === 1) {
      // fontkit reverses a run of a right-to-left script itself (after shaping it in logical order, as shaping
      // requires); any other right-to-left run (neutrals, or text under an override) is reversed here.
      const chars = mirrored([...logical]);
      const firstScript = chars.find((char) => !NEUTRAL.test(char));
      text = (firstScript && FONTKIT_RTL.test(firstScript) ? chars : chars.reverse()).join('');
    }
    runs.push({ text, face: group.face });
  }
  return runs;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// Spaces a line may break at: not the no-break ones (U+00A0, U+2007, U+202F), which French puts before ':' and '»'.
const BREAKING_SPACE = '[\\t\\n\\v\\f\\r \\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f\\u3000]';
const SPACE_AT_END = new RegExp(`${BREAKING_SPACE}$`, 'u');
const SPACE_AT_START = new RegExp(`^${BREAKING_SPACE}`, 'u');
const SPACES = new RegExp(`${BREAKING_SPACE}+`, 'gu');

/** Runs of breaking spaces (newlines, tabs) as one space, none at the ends: how a name or title is shown. */
export const collapseSpaces = (text: string) => text.replace(SPACES, ' ').trim();

// Chinese and Japanese break between any two characters, except before closing punctuation (and after it).
const CJK_BREAK_BEFORE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_BREAK_AFTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}、。，．：；！？）」』】〕》〉]/u;
const NO_BREAK_BEFORE = /[、。，．：；！？）」』】〕》〉\])}.,:;!?]/u;

/**
 * The pieces between line-break opportunities: after spaces, around CJK characters, and after a slash followed by
 * something else (a URL breaks into its path segments). Each keeps its trailing spaces.
 */
function breakPieces(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const { segment } of graphemes.segment(text)) {
    const breakHere =
      current !== '' &&
      !NO_BREAK_BEFORE.test(segment) &&
      ((SPACE_AT_END.test(current) && !SPACE_AT_START.test(segment)) ||
        (current.endsWith('/') && segment !== '/') ||
        CJK_BREAK_BEFORE.test(segment) ||
        CJK_BREAK_AFTER.test(current.slice(-1)));
    if (breakHere) {
      pieces.push(current);
      current = '';
    }
    current += segment;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/**
 * Greedy line breaking of logical text to `maxWidth`, with `width` measuring a piece of text. A piece wider than a
 * whole line (a long URL, a name without spaces) is cut between graphemes. Lines keep the spaces they end with, so
 * joined they give the text back; trim them to draw them.
 */
export function wrapLines(text: string, maxWidth: number, width: (text: string) => number): string[] {
  const lines: string[] = [];
  let current = '';
  let currentWidth = 0;
  for (const piece of breakPieces(collapseSpaces(text))) {
    if (current !== '' && currentWidth + width(piece.trimEnd()) > maxWidth) {
      lines.push(current);
      current = '';
      currentWidth = 0;
    }
    if (current === '' && width(piece.trimEnd()) > maxWidth) {
      for (const { segment } of graphemes.segment(piece)) {
        const segmentWidth = width(segment);
        if (current !== '' && currentWidth + segmentWidth > maxWidth && segment.trim() !== '') {
          lines.push(current);
          current = '';
          currentWidth = 0;
        }
        current += segment;
        currentWidth += segmentWidth;
      }
      continue;
    }
    current += piece;
    currentWidth += width(piece);
  }
  if (current.trim() !== '') lines.push(current);
  return lines;
}
