import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import t from 'tap';
import { LANGUAGES, type Language } from '../../src/lib/i18n.js';
import { type CertificateContent, renderCertificatePdf } from '../../src/web/certificate-pdf.js';
import { formatDate } from '../../src/web/language.js';
import { pageMessages } from '../../src/web/messages/index.js';

// The printable certificate (src/web/certificate-pdf): rendered for real, then read back with pdf.js — its text as
// glyphs (what is drawn, in drawing order), its text as written (ActualText, in the structure tree) and its QR
// code decoded from the embedded image. Expected labels come from the catalogues, whatever their wording.

// jsqr is CommonJS with a default export: under ESM its function is the module's `default`
type DecodeQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: DecodeQr }).default;

const A4_LANDSCAPE = { width: 841.89, height: 595.28 };
const FRAME = 18; // the outer rule: all text stays inside it

const COURSES: Record<Language, string> = {
  en: 'Blended Learning Design',
  fr: 'Conception de cours hybrides',
  ar: 'تصميم التعليم المدمج',
  zh: '混合式教学设计',
};
const RECIPIENTS = ['Amira Hassan', 'أميرة حسن', '李小龙', 'Zoë Ngọc Đặng'];
const CENTRES: Record<Language, string> = {
  en: 'Egyptian National Centre for Online Education',
  fr: 'Centre national du Sénégal',
  ar: 'المركز الوطني المصري للتعليم الإلكتروني',
  zh: '中国国家在线教育中心',
};

function content(language: Language, overrides: Partial<CertificateContent> = {}): CertificateContent {
  return {
    language,
    recipient: 'Amira Hassan',
    course: COURSES[language],
    hours: 12,
    centre: CENTRES[language],
    issuedOn: new Date('2025-03-14T09:30:00Z'),
    validUntil: new Date('2028-03-14T00:00:00Z'),
    code: 'EG-7K4Q-92MX-3TRA-K',
    link: 'https://credentials.example.org/v/EG-7K4Q-92MX-3TRA-K',
    ...overrides,
  };
}

interface Paragraph {
  /** the paragraph as written: its ActualText, from the structure tree */
  text: string;
  /** the paragraph as pdf.js extracts it from the glyphs (what a reader copies and searches), lines joined by a space */
  copied: string;
  /** the Unicode of each glyph drawn for it, in drawing (visual, left-to-right) order, from the font's ToUnicode */
  glyphs: string[];
  /** each glyph's advance, in thousandths of an em: tells glyphs of one letter apart (isolated or joined forms) */
  widths: number[];
}

interface ReadBack {
  pages: number;
  width: number;
  height: number;
  info: Record<string, unknown>;
  /** all text pdf.js extracts from the glyphs, without whitespace */
  glyphText: string;
  /** pdf.js text items, where they are on the page */
  items: { str: string; x: number; y: number; width: number; height: number }[];
  paragraphs: Paragraph[];
  images: number;
  /** what the embedded QR image decodes to */
  qr: string | null;
}

async function readBack(pdf: Buffer): Promise<ReadBack> {
  const document = await getDocument({ data: new Uint8Array(pdf), isOffscreenCanvasSupported: false, verbosity: 0 }).promise;
  try {
    const page = await document.getPage(1);
    const [, , width, height] = page.view as [number, number, number, number];
    const { info } = await document.getMetadata();
    const text = await page.getTextContent();
    const items = text.items.flatMap((item) =>
      'str' in item && item.str.trim() !== '' ? [{ str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width, height: item.height }] : [],
    );

    // Extracted text per marked-content id: pdf.js's text items between the marks.
    const copiedByMcid = new Map<number, string>();
    let mcid: number | null = null;
    for (const item of (await page.getTextContent({ includeMarkedContent: true })).items) {
      if ('type' in item) mcid = item.type === 'beginMarkedContentProps' && item.id ? Number(item.id.split('_mc')[1]) : null;
      else if (mcid !== null) copiedByMcid.set(mcid, `${copiedByMcid.get(mcid) ?? ''}${item.str}${item.hasEOL ? ' ' : ''}`);
    }

    // Glyphs per marked-content id, in the order they are drawn.
    const operators = await page.getOperatorList();
    const glyphsByMcid = new Map<number, { unicode: string; width: number }[]>();
    const open: (number | null)[] = [];
    const images: string[] = [];
    operators.fnArray.forEach((fn, index) => {
      const args = operators.argsArray[index];
      if (fn === OPS.beginMarkedContentProps) open.push(typeof args[1] === 'number' ? args[1] : null);
      else if (fn === OPS.beginMarkedContent) open.push(null);
      else if (fn === OPS.endMarkedContent) open.pop();
      else if (fn === OPS.paintImageXObject) images.push(args[0]);
      else if (fn === OPS.showText) {
        const mcid = open.findLast((id) => id !== null);
        if (mcid == null) return;
        const glyphs = glyphsByMcid.get(mcid) ?? [];
        for (const glyph of args[0]) if (typeof glyph === 'object' && glyph) glyphs.push({ unicode: glyph.unicode, width: glyph.width });
        glyphsByMcid.set(mcid, glyphs);
      }
    });

    // Paragraphs: structure elements with an ActualText, joined to their content by marked-content id.
    const paragraphs: Paragraph[] = [];
    type Node = { role?: string; alt?: string; type?: string; id?: string; children?: Node[] };
    const visit = (node: Node) => {
      if (node.role === 'P' && node.alt !== undefined) {
        const ids = (node.children ?? []).map((child) => Number(child.id?.split('_mc')[1]));
        const glyphs = ids.flatMap((id) => glyphsByMcid.get(id) ?? []);
        const copied = ids.map((id) => copiedByMcid.get(id) ?? '').join('').replace(/\s+/gu, ' ').trim();
        paragraphs.push({ text: node.alt, copied, glyphs: glyphs.map((g) => g.unicode), widths: glyphs.map((g) => g.width) });
      }
      for (const child of node.children ?? []) visit(child);
    };
    visit((await page.getStructTree()) as Node);

    let qr: string | null = null;
    if (images[0]) {
      const image = await new Promise<{ width: number; height: number; kind: number; data: Uint8ClampedArray }>((resolve) => page.objs.get(images[0]!, resolve));
      // pdf.js hands images over as RGB (kind 2) or RGBA (kind 3); jsQR reads RGBA
      const rgba = new Uint8ClampedArray(image.width * image.height * 4);
      const channels = image.kind === 3 ? 4 : 3;
      for (let i = 0; i < image.width * image.height; i++) {
        for (let c = 0; c < 3; c++) rgba[i * 4 + c] = image.data[i * channels + c]!;
        rgba[i * 4 + 3] = 255;
      }
      qr = jsQR(rgba, image.width, image.height)?.data ?? null;
    }
    return {
      pages: document.numPages,
      width,
      height,
      info: info as Record<string, unknown>,
      glyphText: items.map((item) => item.str).join('').replace(/\s+/gu, ''),
      items,
      paragraphs,
      images: images.length,
      qr,
    };
  } finally {
    await document.destroy();
  }
}

const ARABIC = /\p{Script=Arabic}/u;
// The fonts compose some letters from glyphs of their own: Noto Sans Arabic draws dots and hamzas on a shared
// skeleton (ر and ز are one glyph plus a dot), Noto Sans puts the dot of ọ under an o. A glyph's ToUnicode can then
// only say the letter up to its dots and accents (the exact text is the ActualText, checked above): compare letters
// by skeleton, without marks.
const SKELETONS = ['اٱ', 'بتثنيى', 'جحخ', 'دذ', 'رز', 'سش', 'صض', 'طظ', 'عغ', 'فق', 'هة'];
const skeleton = (text: string) =>
  [...text.normalize('NFKD')]
    .filter((char) => /[\p{L}\p{N}]/u.test(char))
    .map((char) => SKELETONS.find((group) => group.includes(char))?.[0] ?? char)
    .join('');

/** A one-line paragraph's glyphs in reading order: right to left for Arabic, left to right otherwise. */
const readingOrder = (paragraph: Paragraph, rtl: boolean) => (rtl ? [...paragraph.glyphs].reverse() : paragraph.glyphs).join('');

const timings: { what: string; ms: number }[] = [];
async function render(input: CertificateContent) {
  const started = performance.now();
  const pdf = await renderCertificatePdf(input);
  timings.push({ what: `${input.language} ${[...input.recipient].slice(0, 16).join('')}`, ms: performance.now() - started });
  return pdf;
}

// First in the file, on fonts no certificate has used yet: fontkit keeps one object per glyph, made on its first use,
// and that object says which characters the glyph stands for in every later PDF. The bold o first appears here in
// "Ngọc", as an o plus a combining dot: the course's o's must still copy as o's.
t.test('a glyph first drawn inside an accented letter still copies as itself', async (t) => {
  const input = content('fr', { recipient: 'Ngọc Đặng' });
  const read = await readBack(await render(input));
  t.equal(read.paragraphs.find((p) => p.text === input.course)!.copied, input.course, 'the course');
  t.equal(read.paragraphs.find((p) => p.text === input.recipient)!.copied.normalize('NFC'), input.recipient, 'the name');
});

// Letters that Noto Sans Arabic draws on one shared skeleton (ب ت ث ن ي, ج ح خ, د ذ, ر ز, س ش, ص ض, ط ظ, ع غ, ف ق,
// ه ة ى), the lam-alef ligatures, hamzas, and marks inside a word on letters whose forms take them.
const ARABIC_NAMES = [
  'زينب بنت رضا',
  'بلال عبد الرزاق',
  'فاطمة الزهراء',
  'مصطفى يحيى',
  'علاء الإسلام',
  'سلمى لؤلؤة',
  'شيماء خالد',
  'غادة ضياء ظافر',
  'ثامر ذياب',
  'قاسم جعفر الطيب',
  'لانا آل لأي',
  'مُحَمَّد عَلِي',
];

t.test('Arabic names copy and search as written: pdf.js extracts them letter for letter', async (t) => {
  for (const language of ['ar', 'en'] as const) {
    for (const name of ARABIC_NAMES) {
      const read = await readBack(await render(content(language, { recipient: name })));
      const paragraph = read.paragraphs.find((p) => p.text === name)!;
      t.equal(paragraph.copied.normalize('NFKC'), name.normalize('NFKC'), `${language}: ${name}`);
    }
  }
  // The Arabic texts of the certificate copy as written too, where they carry no mark the forms cannot take.
  const read = await readBack(await render(content('ar', { recipient: 'أميرة حسن' })));
  const m = pageMessages('ar').certificate;
  for (const label of [m.title, m.code, COURSES.ar, m.issuedBy({ centre: CENTRES.ar })]) {
    t.equal(read.paragraphs.find((p) => p.text === label)!.copied.normalize('NFKC'), label.normalize('NFKC'), label);
  }
});

for (const language of LANGUAGES) {
  const m = pageMessages(language).certificate;
  t.test(`certificate in ${language}`, async (t) => {
    for (const recipient of RECIPIENTS) {
      const input = content(language, { recipient });
      const pdf = await render(input);
      t.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', `${recipient}: a PDF`);
      const read = await readBack(pdf);
      t.equal(read.pages, 1, 'one page');
      t.ok(Math.abs(read.width - A4_LANDSCAPE.width) < 1 && Math.abs(read.height - A4_LANDSCAPE.height) < 1, `A4 landscape (${read.width} × ${read.height})`);
      t.match(read.info, { Language: language, Author: input.centre, Subject: input.course }, 'metadata: language, centre, course');
      t.ok(String(read.info.Title).includes(recipient), 'the title names the recipient');

      // The text as written, paragraph by paragraph.
      const texts = read.paragraphs.map((p) => p.text);
      for (const expected of [recipient, input.course, input.code, input.link, m.scan, m.title, m.network, m.issuedBy({ centre: input.centre })]) {
        t.ok(texts.includes(expected), `has the paragraph "${expected}"`);
      }
      t.ok(texts.includes(m.issuedOn({ date: formatDate(input.issuedOn, language) })), 'the date of issue, in the language');
      t.ok(texts.includes(m.validUntil({ date: formatDate(input.validUntil!, language) })), 'the end of validity');

      // The text as drawn: the code and the link are real text; so is the scan sentence where the glyphs say it.
      t.ok(read.glyphText.includes(input.code), 'the code is drawn as text');
      t.ok(read.glyphText.includes(input.link), 'the link is drawn as text');
      if (!ARABIC.test(m.scan)) t.ok(read.glyphText.includes(m.scan.replace(/\s+/gu, '')), 'the scan sentence is drawn as text');

      // The name and the course, glyph by glyph: the right letters in the right order — for Arabic, drawn right to
      // left, so the glyphs read backwards from the left are the name; drawn in logical order, this fails.
      for (const written of [recipient, input.course]) {
        const paragraph = read.paragraphs.find((p) => p.text === written)!;
        const rtl = ARABIC.test(written);
        t.equal(skeleton(readingOrder(paragraph, rtl)), skeleton(written), `"${written}" drawn in ${rtl ? 'right-to-left' : 'left-to-right'} order`);
        if (rtl) t.not(skeleton(readingOrder(paragraph, false)), skeleton(written), 'and not left to right');
      }
      // ...and copied as written: pdf.js's text of the name and the course is theirs (up to NFKC: Arabic comes out as
      // presentation forms, a letter and its accent may come out as two characters)
      for (const written of [recipient, input.course]) {
        t.equal(read.paragraphs.find((p) => p.text === written)!.copied.normalize('NFKC'), written.normalize('NFKC'), `"${written}" copies as written`);
      }
      t.equal(read.qr, input.link, 'the QR code decodes to the link');
      t.ok(read.items.every((item) => item.x >= FRAME && item.x + item.width <= read.width - FRAME && item.y >= FRAME && item.y + item.height <= read.height - FRAME), 'all text inside the frame');
    }
  });
}

t.test('Arabic letters are joined: the glyphs of a name are not those of its letters apart', async (t) => {
  // drawn as presentation forms; with marks on dotted letters, as the font shapes them
  for (const name of ['أميرة حسن', 'تُمنح زَيْنَب']) {
    const apart = [...name.replaceAll(' ', '')].join(' ');
    const [joined, separate] = await Promise.all([render(content('ar', { recipient: name })), render(content('ar', { recipient: apart }))]);
    const glyphWidths = async (pdf: Buffer, text: string) => {
      const paragraph = (await readBack(pdf)).paragraphs.find((p) => p.text === text)!;
      return paragraph.glyphs.flatMap((unicode, i) => (unicode.trim() === '' ? [] : [paragraph.widths[i]]));
    };
    const shaped = await glyphWidths(joined, name);
    const isolated = await glyphWidths(separate, apart);
    t.ok(shaped.length > 0 && isolated.length > 0);
    // unshaped, both would draw the same isolated forms in the same order
    t.not(shaped.join(), isolated.join(), `${name}: contextual forms, not isolated letters`);
  }
});

t.test('bad input does not break the certificate', async (t) => {
  const inBounds = (read: ReadBack) =>
    read.items.every((item) => item.x >= FRAME && item.x + item.width <= read.width - FRAME && item.y >= FRAME && item.y + item.height <= read.height - FRAME);

  const empty = await readBack(
    await render(content('en', { recipient: '', course: '   ', centre: '', code: ' ', link: '', hours: Number.NaN, issuedOn: new Date('not a date'), validUntil: null })),
  );
  t.equal(empty.pages, 1, 'empty strings: one page');
  t.equal(empty.images, 0, 'no link, no QR code');
  t.notOk(empty.glyphText.includes('NaN'), 'no NaN hours');

  for (const language of LANGUAGES) {
    const long = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'أميرة' : `Hassan-${i}`)).join(' ').slice(0, 300);
    t.equal(long.length, 300);
    const read = await readBack(await render(content(language, { recipient: long, course: long })));
    t.equal(read.pages, 1, `300-character name (${language}): one page`);
    t.ok(read.paragraphs.some((p) => p.text === long), 'the whole name, wrapped and shrunk to fit');
    t.ok(inBounds(read), 'inside the frame');
  }

  const huge = 'Ngọc '.repeat(600).trim();
  const cut = await readBack(await render(content('fr', { recipient: huge, centre: huge, link: `https://credentials.example.org/v/${'X'.repeat(300)}` })));
  t.equal(cut.pages, 1, '3,000-character name: one page');
  const shown = cut.paragraphs.find((p) => p.text.startsWith('Ngọc Ngọc'))!;
  t.ok(shown.text.endsWith('…') && shown.text.length < huge.length, 'cut with an ellipsis');
  t.ok(inBounds(cut), 'inside the frame');

  // No font has emoji, Tibetan or Hebrew; controls, a lone surrogate, bidi overrides and stacked marks are odd.
  const odd = 'Zoë 🎓😀 བཀྲ་ཤིས שלום \u202Eevil\u202C \u0000\u0007 \uD800 e\u0301\u0301\u0301 (مرحبا) 李';
  for (const language of LANGUAGES) {
    const read = await readBack(await render(content(language, { recipient: odd, course: `${odd} 🎓`, centre: odd, code: '🎓' })));
    t.equal(read.pages, 1, `characters no font has (${language}): one page, no exception`);
  }
});

t.test('certificates rendered at the same time share the parsed fonts without mixing their text', async (t) => {
  const inputs = LANGUAGES.flatMap((language) => RECIPIENTS.map((recipient, index) => content(language, { recipient, code: `${language.toUpperCase()}-CODE-${index}` })));
  const pdfs = await Promise.all(inputs.map(render));
  for (const [index, pdf] of pdfs.entries()) {
    const input = inputs[index]!;
    const read = await readBack(pdf);
    const paragraph = read.paragraphs.find((p) => p.text === input.recipient);
    t.ok(paragraph && skeleton(readingOrder(paragraph, ARABIC.test(input.recipient))) === skeleton(input.recipient), `${input.language}: ${input.recipient}`);
    t.ok(read.glyphText.includes(input.code), 'its own code');
  }
});

t.test('render time', async (t) => {
  t.ok(timings.length > 0);
  const [first, ...rest] = timings;
  const sorted = [...rest].sort((a, b) => a.ms - b.ms);
  const ms = (timing: { what: string; ms: number }) => `${timing.ms.toFixed(0)} ms (${timing.what})`;
  t.comment(`first render ${ms(first!)}: fonts read and parsed`);
  t.comment(`then median ${sorted[Math.floor(sorted.length / 2)]!.ms.toFixed(0)} ms over ${sorted.length}; slowest ${sorted.slice(-3).map(ms).join(', ')}`);
});
