import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { unprocessable } from '../../../lib/problem.js';
import { decodeText } from './encoding.js';
import type { SheetReading } from './read-sheet.js';
import { createRowCollector } from './rows.js';

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * The delimiter of a CSV text: whichever of comma, semicolon (Excel's CSV in French and Arabic locales, where the
 * comma is the decimal separator) and tab (Excel's "Unicode text") occurs most often outside quotes in the
 * header line; a comma when none does (a file with one column).
 */
export function detectDelimiter(text: string): (typeof DELIMITERS)[number] {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  let seenContent = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) {
      if (seenContent) break; // the end of the first non-empty line
    } else if (!quoted && counts.has(char)) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
      seenContent = true;
    } else if (char.trim() !== '') seenContent = true;
  }
  return DELIMITERS.reduce((best, d) => ((counts.get(d) ?? 0) > (counts.get(best) ?? 0) ? d : best));
}

// Excel honours (and some exports write) a first line `sep=;` naming the delimiter; it is not a row
const SEPARATOR_LINE = /^sep=(.)\r?\n/;

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads a CSV file into raw rows: decodes it (encoding.ts), takes the delimiter from a `sep=` line or the header
 * line, and parses it as Excel writes CSV: RFC 4180 quoting, quoted fields across lines, rows of uneven length.
 * Parsing streams record by record from UTF-8 chunks, so the row limit stops a long file early.
 */
export async function readCsv(input: { data: Buffer; encoding?: string; maxRows: number }): Promise<SheetReading> {
  const decoded = decodeText(input);
  let text = decoded.text;
  const separator = SEPARATOR_LINE.exec(text);
  if (separator) text = text.slice(separator[0].length);
  const delimiter = separator?.[1] ?? detectDelimiter(text);
  const utf8 = Buffer.from(text, 'utf8');
  const chunks = function* () {
    for (let offset = 0; offset < utf8.length; offset += CHUNK_BYTES) yield utf8.subarray(offset, offset + CHUNK_BYTES);
  };
  const parser = Readable.from(chunks()).pipe(
    parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }),
  );
  const collector = createRowCollector(input.maxRows);
  // a spreadsheet shows each record, however many lines its quoted cells span, as one row; `sep=` is not one
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) collector.add(++rowNumber, record);
  } catch (error) {
    if (error instanceof CsvError) {
      throw unprocessable(
        `The file cannot be read as CSV: ${error.message}. A cell that contains the delimiter, a quote or a line break must be enclosed in double quotes, with its own quotes doubled ("").`,
        'unreadable-file',
      );
    }
    throw error;
  } finally {
    parser.destroy();
  }
  return collector.finish({ format: 'csv', encoding: decoded.encoding });
}
