import { readFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { isolate, type Language } from '../lib/i18n.js';
import { presentationForms } from './arabic-forms.js';
import { collapseSpaces, type Direction, type Face, facesFor, type Fonts, paragraphDirection, visualRuns, withoutBidiControls, wrapLines } from './bidi-text.js';
import { type FontKey, FONT_FILES, fontFile } from './fonts.js';
import { directionOf, formatDate, formatNumber } from './language.js';
import { pageMessages } from './messages/index.js';
import { qrPng } from './qr.js';

/** What a printed certificate shows, already in the reader's language where the credential has it. */
export interface CertificateContent {
  language: Language;
  recipient: string;
  course: string;
  hours: number | null;
  centre: string;
  issuedOn: Date;
  validUntil: Date | null;
  /** the short code, e.g. EG-7K4Q-92MX-3TRA-K */
  code: string;
  /** the short public URL, encoded in the QR code */
  link: string;
}

type Weight = 400 | 700;

/**
 * The fonts a certificate draws with: the files (pdfkit embeds only the glyphs used: the Chinese font is ~10 MB per
 * weight, its subset a few kB), plus a second copy of the Arabic font for the Arabic words it shapes itself (see
 * Writer.runs). A copy of its own keeps its glyphs apart, in the process and in the PDF: the glyphs it shapes can
 * stand for several letters, and must never lend that ambiguity to the presentation forms' text.
 */
type FontName = FontKey | `arabic-shaped-${Weight}`;
const fileOf = (name: FontName) => FONT_FILES[name.replace('-shaped', '') as FontKey];

// pdfkit parses a font file anew for every document (fontkit decodes its cmap and shaping tables lazily, which
// is most of a render's time), but it also accepts an already parsed fontkit font: parse each file once per
// process, through pdfkit's own fontkit, and share it. Safe across documents: each document takes its own
// subset, and a render lays out its text synchronously.
type FontkitFont = {
  postscriptName: string;
  unitsPerEm: number;
  characterSet: number[];
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): unknown;
  layout(text: string, features: Features): { advanceWidth: number; glyphs: { isMark: boolean }[]; positions: { xOffset: number; yOffset: number }[] };
};

// Which character a glyph stands for, in the PDF's ToUnicode table, is the `codePoints` of fontkit's glyph object,
// and fontkit keeps one object per glyph for the font's lifetime, made on the glyph's first use. When that first
// use is inside a shaped cluster, the glyph keeps the cluster's characters for good: after "Ngọc" (an o plus a
// combining dot), every o of every later certificate read as ọ. So a font's glyphs are made up front from its
// character map, each then standing for one of the characters mapped to it: first the forms of the Arabic alphabet
// (U+FE80–U+FEFC, which the certificate draws: ه, not ە, for the glyph they share), then letters, digits and marks
// that are their own normal form (子, not the radical ⼦), then the rest.
const characterRank = (codePoint: number) => {
  if (codePoint >= 0xfe80 && codePoint <= 0xfefc) return 0;
  const char = String.fromCodePoint(codePoint);
  return char.normalize('NFKC') === char && !/\p{S}/u.test(char) ? 1 : 2;
};
function makeGlyphsFromCharacterMap(font: FontkitFont) {
  const codePoints = [...font.characterSet].sort((a, b) => characterRank(a) - characterRank(b) || a - b);
  for (const codePoint of codePoints) font.glyphForCodePoint(codePoint);
}
const parsedFonts = new Map<FontName, Promise<FontkitFont>>();

/** A font, read and parsed once per process and only when a certificate first needs it. */
function loadFont(name: FontName): Promise<FontkitFont> {
  let font = parsedFonts.get(name);
  if (!font) {
    font = readFile(fontFile(fileOf(name))).then((data) => {
      const probe = new PDFDocument({ autoFirstPage: false }).font(data);
      const parsed = (probe as unknown as { _font: { font: FontkitFont } })._font.font;
      if (name.startsWith('arabic-shaped')) {
        // Not made from the character map: fontkit's Arabic shaping reads the characters of a letter's glyph object
        // (ت must stay ت, not its isolated form), and a skeleton glyph, in no character map, then says a letter it
        // was drawn for. Named apart, or pdfkit would take it for the same font and draw with the other copy.
        Object.defineProperty(parsed, 'postscriptName', { value: `${parsed.postscriptName}-Shaped` });
      } else makeGlyphsFromCharacterMap(parsed);
      return parsed;
    });
    parsedFonts.set(name, font);
    font.catch(() => parsedFonts.delete(name)); // a failed read is retried next time, not cached
  }
  return font;
}

// The glyphs of the Arabic presentation forms that take marks (harakat) where they belong. Noto Sans Arabic places
// marks on the glyphs its own shaping produces; most forms share those, but those of the dotted and hamza letters
// are separate, composed glyphs without anchors, on which a fatha would sit on the dots.
const MARK_PROBE = '\u064e\u0650'; // a fatha above, a kasra below
const marksPlaced = new WeakMap<FontkitFont, Map<number, boolean>>();
function placesMarks(font: FontkitFont, form: number): boolean {
  let known = marksPlaced.get(font);
  if (!known) marksPlaced.set(font, (known = new Map()));
  let places = known.get(form);
  if (places === undefined) {
    const run = font.layout(String.fromCodePoint(form) + MARK_PROBE, shapingFeatures(true));
    places = run.glyphs.every((glyph, i) => !glyph.isMark || run.positions[i]!.xOffset !== 0 || run.positions[i]!.yOffset !== 0);
    known.set(form, places);
  }
  return places;
}

// A4 landscape, in points.
const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 60;
const COLOURS = { navy: '#1b365d', gold: '#a8843f', ink: '#222222', muted: '#555555' };

type Align = 'left' | 'right' | 'center';
interface TextStyle {
  size: number;
  weight?: Weight;
  colour?: string;
  /** extra space between characters (the code), in points */
  spacing?: number;
}
interface Box {
  x: number;
  top: number;
  width: number;
  /** the most it may take; the text is centred in it vertically, or starts at its top */
  height: number;
  align: Align;
  valign?: 'middle' | 'top';
}

/** fontkit's features: a list to add to the script's defaults, or switches (fontkit adds the defaults to the object). */
type Features = string[] | Record<string, boolean>;
// Presentation forms are already shaped: the font's glyph composition (ccmp) would split a dotted letter into its
// skeleton and dots again (ز into ر and a dot), the very glyphs that cannot say which letter they are. Kerning and
// mark positioning stay on. A fresh object each time, as fontkit writes into it.
const shapingFeatures = (presentationForms: boolean): Features => (presentationForms ? { ccmp: false } : []);

// Widths of runs at 1 pt, shared by all renders: labels repeat from one certificate to the next, and shaping a
// run (fontkit's lookups) is the bulk of the layout time. Bounded: cleared when it grows large.
const runWidths = new Map<string, number>();
function runWidth(font: FontkitFont, key: string, text: string, features: Features): number {
  const cacheKey = `${key}\u0000${Array.isArray(features) ? '' : 'forms'}\u0000${text}`;
  let width = runWidths.get(cacheKey);
  if (width === undefined) {
    // the features used when drawing: the run is shaped as a whole (see Writer.line)
    width = font.layout(text, features).advanceWidth / font.unitsPerEm;
    if (runWidths.size >= 20_000) runWidths.clear();
    runWidths.set(cacheKey, width);
  }
  return width;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Lines of text on the page: bidi ordering, font runs, wrapping, shrinking to fit a box. */
class Writer {
  private readonly fonts: Fonts;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly parsed: Map<FontName, FontkitFont>,
    private readonly direction: Direction,
    private readonly structure: PDFKit.PDFStructureElement,
  ) {
    const covers = (face: Face, codePoint: number) => parsed.get(`${face}-400`)?.hasGlyphForCodePoint(codePoint) ?? false;
    this.fonts = { available: (['latin', 'arabic', 'cjk'] as const).filter((face) => parsed.has(`${face}-400`)), covers };
  }

  /** A line's runs in visual order, each with its width at 1 pt. */
  private runs(line: string, weight: Weight, direction: Direction) {
    return visualRuns(line, direction, this.fonts).map((run) => {
      // An Arabic word in presentation forms, each drawn with a glyph of its own, so that the PDF's text says which
      // letter it is; a word they cannot draw well is left to the font's shaping, in its own copy of the font.
      let key: FontName = `${run.face}-${weight}`;
      const font = this.parsed.get(key)!;
      const forms = run.face === 'arabic' ? presentationForms(run.text, (form) => placesMarks(font, form)) : null;
      if (run.face === 'arabic' && forms === null) key = `arabic-shaped-${weight}`;
      const text = forms ?? run.text;
      const features = shapingFeatures(forms !== null);
      return { text, key, features, width: runWidth(this.parsed.get(key)!, key, text, features) };
    });
  }

  private readonly emWidths = new Map<string, number>();
  private emWidth(line: string, weight: Weight, direction: Direction): number {
    const key = `${weight}${direction}${line}`;
    let width = this.emWidths.get(key);
    if (width === undefined) {
      width = this.runs(line, weight, direction).reduce((sum, run) => sum + run.width, 0);
      this.emWidths.set(key, width);
    }
    return width;
  }

  /** One line, its baseline at `baseline`, aligned in [x, x + width]. Returns where it was drawn. */
  line(text: string, baseline: number, box: Pick<Box, 'x' | 'width' | 'align'>, style: TextStyle, direction: Direction) {
    const spacing = style.spacing ?? 0;
    const runs = this.runs(text, style.weight ?? 400, direction);
    const widths = runs.map((run) => run.width * style.size + spacing * [...run.text].length);
    const width = widths.reduce((sum, w) => sum + w, 0) - (runs.length ? spacing : 0);
    let x = box.align === 'left' ? box.x : box.align === 'right' ? box.x + box.width - width : box.x + (box.width - width) / 2;
    const left = x;
    this.doc.fillColor(style.colour ?? COLOURS.ink);
    runs.forEach((run, index) => {
      // `features` (even empty) makes pdfkit shape the run as a whole: without it, pdfkit lays out word by word,
      // which would reverse each Arabic word on its own but keep the words in logical order. `textWidth` spares
      // pdfkit measuring the run again (an undocumented option of its text fragments).
      const options = { lineBreak: false, baseline: 'alphabetic', features: run.features, characterSpacing: spacing, textWidth: run.width * style.size };
      this.doc.font(run.key).fontSize(style.size).text(run.text, x, baseline, options as PDFKit.Mixins.TextOptions);
      x += widths[index]!;
    });
    return { left, width };
  }

  /**
   * A paragraph in a box: wrapped, at the largest size from `sizes[0]` down to `sizes[1]` at which it fits in
   * `maxLines` lines and the box's height; if it does not fit even then, cut with an ellipsis (a certificate stays
   * one page). Returns the lines' extent: where the next text may start, where a link annotation goes.
   */
  paragraph(text: string, box: Box, style: Omit<TextStyle, 'size'> & { sizes: [number, number]; maxLines: number }) {
    const weight = style.weight ?? 400;
    const direction = paragraphDirection(text, this.direction);
    const leading = 1.3;
    const wrap = (size: number) => wrapLines(text, box.width / size, (piece) => this.emWidth(piece, weight, direction));
    const fits = (size: number, lines: string[]) => lines.length <= style.maxLines && lines.length * size * leading <= box.height;
    // The largest size in half points that fits: a binary search, as a very long name would otherwise be wrapped
    // at every size down to the smallest.
    let [low, high] = [Math.round(style.sizes[1] * 2), Math.round(style.sizes[0] * 2)];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(middle / 2, wrap(middle / 2))) low = middle;
      else high = middle - 1;
    }
    const size = low / 2;
    let lines = wrap(size);
    const maxLines = Math.max(1, Math.min(style.maxLines, Math.floor(box.height / (size * leading))));
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      const last = [...graphemes.segment(lines[maxLines - 1]!.trimEnd())].map(({ segment }) => segment);
      while (last.length > 1 && this.emWidth(`${last.join('').trimEnd()}…`, weight, direction) * size > box.width) last.pop();
      lines[maxLines - 1] = `${last.join('').trimEnd()}…`;
    }
    const top = box.valign === 'top' ? box.top : box.top + (box.height - lines.length * size * leading) / 2;
    let left = box.x + box.width;
    let right = box.x;
    if (lines.length > 0) {
      // The paragraph's text as written, attached to its glyphs (ActualText) and to the structure tree: glyphs
      // alone do not say it — the Arabic font draws dots and hamzas as glyphs of their own, so one glyph serves
      // several letters (ر and ز), and a glyph can map to only one letter in the font's ToUnicode table.
      const actual = withoutBidiControls(lines.join('').trimEnd());
      const element = this.doc.struct('P', { actual });
      this.structure.add(element);
      const content = this.doc.markStructureContent('Span', { actual });
      lines.forEach((line, index) => {
        // baseline about one size below the top of a line box of 1.3 sizes (Noto's ascender is ~1.07 em)
        const drawn = this.line(line.trimEnd(), top + index * size * leading + size * 1.05, box, { ...style, size }, direction);
        left = Math.min(left, drawn.left);
        right = Math.max(right, drawn.left + drawn.width);
      });
      this.doc.endMarkedContent();
      element.add(content);
      element.end();
    }
    return { left, right, top, bottom: top + lines.length * size * leading };
  }
}

const validDate = (date: Date | null): date is Date => date instanceof Date && !Number.isNaN(date.getTime());

/** The printable certificate of a credential: one A4 landscape page of real (searchable, selectable) text. */
export async function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const { language } = content;
  const m = pageMessages(language).certificate;
  const direction = directionOf(language);
  const recipient = collapseSpaces(content.recipient);
  const course = collapseSpaces(content.course);
  const centre = collapseSpaces(content.centre);
  const code = collapseSpaces(content.code);
  const link = content.link.trim();

  // Inserted values are isolated, so a right-to-left centre name cannot reorder the sentence around it.
  const texts = {
    network: m.network,
    title: m.title,
    certifies: m.certifies,
    completed: m.completed,
    hours: content.hours !== null && Number.isFinite(content.hours) && content.hours > 0 ? m.hours({ hours: formatNumber(content.hours, language) }) : null,
    issuedBy: m.issuedBy({ centre: isolate(centre) }),
    issuedOn: validDate(content.issuedOn) ? m.issuedOn({ date: isolate(formatDate(content.issuedOn, language)) }) : null,
    validUntil: validDate(content.validUntil) ? m.validUntil({ date: isolate(formatDate(content.validUntil, language)) }) : null,
    codeLabel: m.code,
    scan: m.scan,
  };
  // Only the fonts this certificate needs are loaded (the Chinese ones are 20 MB) and embedded.
  const faces = facesFor([recipient, course, centre, code, link, ...Object.values(texts)].join(' '));
  const names = faces.flatMap((face): FontName[] => [`${face}-400`, `${face}-700`, ...(face === 'arabic' ? (['arabic-shaped-400', 'arabic-shaped-700'] as const) : [])]);
  const [fontData, qr] = await Promise.all([
    Promise.all(names.map(async (name) => [name, await loadFont(name)] as const)),
    // 330 px: at least 8 px a module for a link of up to ~60 characters, about 200 dpi printed; a larger PNG costs
    // tens of milliseconds to encode (qrcode) and decode again (pdfkit separates its alpha channel)
    link === '' ? null : qrPng(link, 330),
  ]);

  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    lang: language,
    // tagged: the text in reading order, with the words of every paragraph, for screen readers and text extraction
    tagged: true,
    displayTitle: true,
    info: { Title: recipient ? `${m.title}: ${recipient}` : m.title, Author: centre, Subject: course, Creator: 'IIOE Credentials', Keywords: code },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // (pdfkit's typings do not list parsed fonts as a source, its code does: PDFFontFactory.open)
  for (const [name, font] of fontData) doc.registerFont(name, font as unknown as Buffer);
  const structure = doc.struct('Document');
  doc.addStructure(structure);
  const writer = new Writer(doc, new Map(fontData), direction, structure);

  const { width: W, height: H } = PAGE;
  const inner = { x: MARGIN, width: W - 2 * MARGIN };
  // Right-to-left documents are mirrored: the details read from the right edge, the QR code sits on the left.
  const start: Align = direction === 'rtl' ? 'right' : 'left';
  const mirror = (x: number, width: number) => (direction === 'rtl' ? W - x - width : x);

  // Frame: a strong outer rule and a fine gold one inside it, with small corner squares (decoration: an artifact).
  doc.markContent('Artifact', { type: 'Layout' });
  doc.lineWidth(2.5).strokeColor(COLOURS.navy).rect(18, 18, W - 36, H - 36).stroke();
  doc.lineWidth(0.8).strokeColor(COLOURS.gold).rect(26, 26, W - 52, H - 52).stroke();
  for (const [x, y] of [[26, 26], [W - 26, 26], [26, H - 26], [W - 26, H - 26]] as const) {
    doc.fillColor(COLOURS.gold).rect(x - 4, y - 4, 8, 8).fill();
  }
  doc.endMarkedContent();

  // Head: the network, the title, a short rule.
  const centred = { ...inner, align: 'center' as const };
  writer.paragraph(texts.network, { ...centred, top: 42, height: 22 }, { sizes: [10.5, 7], maxLines: 1, colour: COLOURS.gold });
  writer.paragraph(texts.title, { ...centred, top: 74, height: 50 }, { sizes: [30, 16], maxLines: 1, weight: 700, colour: COLOURS.navy });
  doc.markContent('Artifact', { type: 'Layout' });
  doc.lineWidth(1).strokeColor(COLOURS.gold).moveTo(W / 2 - 60, 134).lineTo(W / 2 + 60, 134).stroke();
  doc.endMarkedContent();

  // Body: who, and what.
  writer.paragraph(texts.certifies, { ...centred, top: 146, height: 24 }, { sizes: [13, 9], maxLines: 1, colour: COLOURS.muted });
  writer.paragraph(recipient, { ...centred, top: 172, height: 84 }, { sizes: [36, 11], maxLines: 4, weight: 700, colour: COLOURS.navy });
  writer.paragraph(texts.completed, { ...centred, top: 258, height: 36 }, { sizes: [13, 9], maxLines: 2, colour: COLOURS.muted });
  writer.paragraph(course, { ...centred, top: 296, height: 62 }, { sizes: [22, 10], maxLines: 3, weight: 700, colour: COLOURS.ink });
  if (texts.hours) writer.paragraph(texts.hours, { ...centred, top: 360, height: 18 }, { sizes: [12, 9], maxLines: 1, colour: COLOURS.muted });

  // Foot: the QR code at the outer edge, the scan sentence and link beside it, the details on the other side.
  const qrSize = 112;
  const qrBox = { x: mirror(W - MARGIN - qrSize, qrSize), top: 408, width: qrSize, height: qrSize };
  const columnWidth = 230;
  const column = { x: mirror(W - MARGIN - qrSize - 16 - columnWidth, columnWidth), width: columnWidth, align: start };
  const detailsWidth = W - 2 * MARGIN - qrSize - 16 - columnWidth - 24;
  const details = { x: mirror(MARGIN, detailsWidth), width: detailsWidth, align: start };
  if (qr) {
    structure.add(doc.struct('Figure', { alt: link }, () => doc.image(qr, qrBox.x, qrBox.top, { width: qrSize, height: qrSize })));
    doc.link(qrBox.x, qrBox.top, qrSize, qrSize, link);
  }
  // The column and the details flow down from the top of the QR code; the code itself sits level with its foot.
  const scan = writer.paragraph(texts.scan, { ...column, top: 410, height: 66, valign: 'top' }, { sizes: [10, 7.5], maxLines: 5 });
  const linked = writer.paragraph(link, { ...column, top: scan.bottom + 6, height: 30, valign: 'top' }, { sizes: [9.5, 7], maxLines: 2, colour: COLOURS.navy });
  if (link !== '') doc.link(linked.left, linked.top, linked.right - linked.left, linked.bottom - linked.top, link);

  let y = writer.paragraph(texts.issuedBy, { ...details, top: 406, height: 40, valign: 'top' }, { sizes: [13, 9], maxLines: 2, weight: 700, colour: COLOURS.navy }).bottom + 4;
  for (const line of [texts.issuedOn, texts.validUntil]) {
    if (line) y = writer.paragraph(line, { ...details, top: y, height: 16, valign: 'top' }, { sizes: [11, 8], maxLines: 1 }).bottom;
  }
  writer.paragraph(texts.codeLabel, { ...details, top: 490, height: 14 }, { sizes: [8.5, 7], maxLines: 1, colour: COLOURS.muted });
  // The code letter-spaced, so it reads (and is typed) character by character.
  writer.paragraph(code, { ...details, top: 504, height: 22 }, { sizes: [16, 9], maxLines: 1, weight: 700, colour: COLOURS.navy, spacing: 1.6 });

  structure.end();
  doc.end();
  return finished;
}
