import chardet from 'chardet';
import iconv from 'iconv-lite';
import { HttpProblem, problemType } from '../../../lib/problem.js';

/**
 * The text encodings a CSV file may be in, by the name we report. Detection chooses among UTF-8, UTF-16 and the
 * three legacy encodings spreadsheets still write on Windows in our centres' languages (windows-1256 Arabic,
 * windows-1252 Western European, GB18030 Chinese); the others are accepted only when the uploader names them
 * with ?encoding=.
 */
export const SUPPORTED_ENCODINGS = [
  'UTF-8',
  'UTF-16LE',
  'UTF-16BE',
  'windows-1256',
  'ISO-8859-6',
  'windows-1252',
  'ISO-8859-1',
  'ISO-8859-15',
  'GB18030',
  'Big5',
  'macintosh',
] as const;
export type SupportedEncoding = (typeof SUPPORTED_ENCODINGS)[number];

/** Other spellings people pass for the same encodings (GBK and GB2312 are subsets of GB18030). */
const ENCODING_ALIASES: Record<string, SupportedEncoding> = {
  utf8: 'UTF-8',
  utf16le: 'UTF-16LE',
  utf16be: 'UTF-16BE',
  cp1256: 'windows-1256',
  cp1252: 'windows-1252',
  latin1: 'ISO-8859-1',
  gbk: 'GB18030',
  gb2312: 'GB18030',
  mac: 'macintosh',
  macroman: 'macintosh',
};

const HOW_TO_EXPORT_UTF8 =
  'In Excel choose File > Save As > "CSV UTF-8 (Comma delimited) (*.csv)"; in LibreOffice Calc choose File > Save As > ' +
  '"Text CSV (.csv)", tick "Edit filter settings" and pick "Unicode (UTF-8)". Or upload the .xlsx file itself';

const encodingProblem = (detail: string) =>
  new HttpProblem({
    status: 422,
    type: problemType('unsupported-encoding'),
    title: 'Unprocessable Content',
    detail,
    extensions: { supportedEncodings: SUPPORTED_ENCODINGS },
  });

/** The supported encoding a caller's ?encoding= names, or a 422 that lists the supported ones. */
export function parseEncodingName(name: string): SupportedEncoding {
  const key = name.trim().toLowerCase();
  const found =
    SUPPORTED_ENCODINGS.find((encoding) => encoding.toLowerCase() === key) ?? ENCODING_ALIASES[key.replace(/[-_\s]/g, '')];
  if (!found) {
    throw encodingProblem(`The encoding "${name}" is not supported; use one of ${SUPPORTED_ENCODINGS.join(', ')}.`);
  }
  return found;
}

const BOMS: { bytes: number[]; encoding: SupportedEncoding }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'UTF-8' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16LE' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16BE' },
];

function byteOrderMark(data: Buffer): SupportedEncoding | undefined {
  // FF FE 00 00 is UTF-32LE, which no spreadsheet writes and iconv-lite would misread as UTF-16 text with NULs
  if (data.length >= 4 && data.readUInt32LE(0) === 0x0000feff) {
    throw encodingProblem(`The file is UTF-32 text, which is not supported. ${HOW_TO_EXPORT_UTF8}.`);
  }
  return BOMS.find(({ bytes }) => bytes.every((byte, i) => data[i] === byte))?.encoding;
}

/**
 * UTF-16 without a byte-order mark, recognised by its NUL bytes: the headers, digits, commas and e-mail
 * addresses of a cohort file are ASCII, whose UTF-16 form has a zero high byte. Text in any 8-bit encoding has
 * no NULs at all.
 */
function utf16WithoutMark(data: Buffer): SupportedEncoding | undefined {
  const sample = data.subarray(0, 4096);
  const pairs = Math.floor(sample.length / 2);
  if (pairs === 0) return undefined;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) zeroEven++;
    if (sample[i + 1] === 0) zeroOdd++;
  }
  if (zeroOdd / pairs > 0.3 && zeroEven / pairs < 0.05) return 'UTF-16LE';
  if (zeroEven / pairs > 0.3 && zeroOdd / pairs < 0.05) return 'UTF-16BE';
  return undefined;
}

const isValidUtf8 = (data: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
};

// U+FFFD is what a decoder writes for bytes it could not read; C0 (except tab, LF, CR) and C1 controls never
// appear in a spreadsheet's text, so they mean the bytes were read in the wrong encoding (or are not text).
const IMPLAUSIBLE = /[\ufffd\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Where a decoded text shows it was read in the wrong encoding, for the message: line and character. */
function implausibility(text: string): { line: number; character: string } | undefined {
  const match = IMPLAUSIBLE.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split('\n').length;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return { line, character: `U+${code}` };
}

type Script = 'ascii' | 'latin' | 'arabic' | 'han' | 'other';
/** The script of a letter or mark; undefined for a mark any script may carry (a Latin accent, decomposed). */
function scriptOf(char: string): Script | undefined {
  if (/[a-z]/i.test(char)) return 'ascii';
  // Script_Extensions, because the Arabic vowel marks (harakat) are of the "inherited" script
  if (/\p{Script_Extensions=Arabic}/u.test(char)) return 'arabic';
  if (/\p{M}/u.test(char)) return undefined;
  if (/\p{Script=Latin}/u.test(char)) return 'latin';
  if (/\p{Script=Han}/u.test(char)) return 'han';
  return 'other';
}

// punctuation and digits that real French, Arabic and Chinese text uses outside ASCII
const NATURAL_SYMBOLS = /[«»–—‘’“”…،؛؟·•€\u0660-\u0669\u06f0-\u06f9\u3000-\u303f\uff01-\uff1f]/;

/**
 * How natural a decoded text looks, from -1 to 1: the share of its non-ASCII words written in one plausible
 * script, less the share of mojibake. Text read in the wrong legacy encoding gives words of accented letters only
 * ("ãÍãÏ" is محمد read as windows-1252), Arabic letters or vowel marks glued to Latin ones ("ةloïse" is Éloïse and
 * "Nٌْez" is Núñez read as windows-1256), Chinese characters glued to Latin letters (a GB18030 reading swallows
 * the ASCII letter after an accented one), letters of unrelated scripts, and stray symbols (¤, §, ±, ¼).
 */
function naturalness(text: string): number {
  let good = 0;
  let bad = 0;
  for (const [word] of text.matchAll(/[\p{L}\p{M}]+/gu)) {
    if (/^[a-z]*$/i.test(word)) continue;
    const scripts = new Set([...word].map(scriptOf).filter((script) => script !== undefined));
    const mojibake =
      scripts.has('other') ||
      (scripts.has('arabic') && scripts.size > 1) ||
      (scripts.has('han') && scripts.size > 1) ||
      (scripts.has('latin') && !scripts.has('ascii') && word.length > 1);
    if (mojibake) bad++;
    else good++;
  }
  for (const [symbol] of text.matchAll(/[^\p{L}\p{M}\s\x00-\x7f]/gu)) {
    if (!NATURAL_SYMBOLS.test(symbol)) bad++;
  }
  return good + bad === 0 ? 0 : (good - bad) / (good + bad);
}

// below this confidence chardet is reporting its baseline for an encoding, not evidence (measured: a two-line
// Arabic file gives Shift_JIS, Big5, EUC-JP, EUC-KR and GB18030 all 10)
const CHARDET_EVIDENCE = 30;

/**
 * The legacy encodings detection weighs, with the names chardet gives the same or a subset encoding; in this
 * order when nothing else decides (French in lower case reads the same in windows-1252 and windows-1256).
 */
const LEGACY_CANDIDATES: { encoding: SupportedEncoding; chardetNames: string[] }[] = [
  { encoding: 'windows-1252', chardetNames: ['windows-1252', 'ISO-8859-1', 'ISO-8859-15'] },
  { encoding: 'windows-1256', chardetNames: ['windows-1256', 'ISO-8859-6'] },
  { encoding: 'GB18030', chardetNames: ['GB18030', 'GBK', 'GB2312'] },
];

const SAMPLE_BYTES = 64 * 1024;

/**
 * The evidence detection weighs: the file's lines that hold non-ASCII bytes, up to SAMPLE_BYTES. ASCII lines
 * read the same in every candidate, and weighing a whole 10 MB file three times takes seconds. Lines are cut at
 * LF, which is never part of a multi-byte character in these encodings.
 */
function nonAsciiLines(file: Buffer): Buffer {
  const lines: Buffer[] = [];
  let size = 0;
  for (let start = 0; start < file.length && size < SAMPLE_BYTES; ) {
    const newline = file.indexOf(0x0a, start);
    const end = newline === -1 ? file.length : newline + 1;
    const line = file.subarray(start, end);
    if (line.some((byte) => byte >= 0x80)) {
      lines.push(line);
      size += line.length;
    }
    start = end;
  }
  return Buffer.concat(lines);
}

/**
 * A legacy 8-bit encoding for bytes that are not UTF-8. chardet alone is unreliable on files of a few lines (a
 * two-line Arabic file comes out as ISO-8859-1), so every candidate decodes the bytes; decodings with
 * undecodable bytes or control characters drop out, the most natural text wins, and chardet's ranking only
 * breaks a tie. A tie chardet cannot break is refused: guessing would store mangled names.
 */
function detectLegacyEncoding(file: Buffer): SupportedEncoding {
  const data = nonAsciiLines(file);
  const chardetRanking: string[] = chardet
    .analyse(data)
    .filter((match) => match.confidence > CHARDET_EVIDENCE)
    .map((match) => match.name);
  const rankOf = (names: string[]) => {
    const ranks = names.map((name) => chardetRanking.indexOf(name)).filter((rank) => rank >= 0);
    return ranks.length > 0 ? Math.min(...ranks) : Number.POSITIVE_INFINITY;
  };
  const readings = LEGACY_CANDIDATES.map(({ encoding, chardetNames }) => {
    const text = iconv.decode(data, encoding);
    return { encoding, text, score: implausibility(text) ? -Infinity : naturalness(text), rank: rankOf(chardetNames) };
  }).filter((reading) => reading.score > 0.5);
  const top = Math.max(...readings.map((reading) => reading.score));
  // the readings about as natural as the best, one per distinct text (encodings that agree on these bytes agree)
  const contenders = readings
    .filter((reading) => top - reading.score < 0.1)
    .sort((a, b) => a.rank - b.rank)
    .filter((reading, i, all) => all.findIndex((other) => other.text === reading.text) === i);
  const [best, rival] = contenders;
  if (!best) {
    throw encodingProblem(
      `The file is not UTF-8 text and its encoding could not be recognised. ${HOW_TO_EXPORT_UTF8}; or name the ` +
        `encoding with ?encoding= (one of ${SUPPORTED_ENCODINGS.join(', ')}).`,
    );
  }
  if (rival && rival.rank <= best.rank) {
    throw encodingProblem(
      `The file is not UTF-8 text and could be either ${best.encoding} or ${rival.encoding}; the two read its names ` +
        `differently. Send it again with ?encoding=${best.encoding} (or ?encoding=${rival.encoding}), or save it as ` +
        `UTF-8: ${HOW_TO_EXPORT_UTF8}.`,
    );
  }
  return best.encoding;
}

/**
 * The text of a CSV file and the encoding it was read in: the caller's encoding if given, else a byte-order
 * mark, else UTF-16 recognised by its NULs, else UTF-8 whenever the bytes are valid UTF-8 (a legacy-encoded
 * file almost never is), else the most plausible legacy encoding. A result with undecodable bytes or control
 * characters is refused with a message that says how to export UTF-8 and how to name the encoding.
 */
export function decodeText(input: { data: Buffer; encoding?: string }): { text: string; encoding: SupportedEncoding } {
  const { data } = input;
  const marked = byteOrderMark(data);
  const encoding = input.encoding
    ? parseEncodingName(input.encoding)
    : (marked ?? utf16WithoutMark(data) ?? (isValidUtf8(data) ? 'UTF-8' : detectLegacyEncoding(data)));
  // iconv-lite strips the mark of the encoding it decodes; a mark of another encoding stays and is caught below
  const text = iconv.decode(data, encoding);
  const flaw = implausibility(text);
  if (flaw) {
    throw encodingProblem(
      `The file does not read as ${encoding} text: line ${flaw.line} has the character ${flaw.character}, which ` +
        `means the bytes are in another encoding${input.encoding ? ' than the one named' : ''} (or the file is not ` +
        `text). ${HOW_TO_EXPORT_UTF8}; or name the encoding with ?encoding= (one of ${SUPPORTED_ENCODINGS.join(', ')}).`,
    );
  }
  return { text, encoding };
}
