import { unprocessable } from '../../../lib/problem.js';
import type { BatchColumn } from './columns.js';
import { readCsv } from './csv.js';
import { readXlsx } from './xlsx.js';

export interface SheetRow {
  /** the row number the spreadsheet shows (the header is usually row 1) */
  rowNumber: number;
  /** the known columns' cells, trimmed; empty cells are absent */
  values: Partial<Record<BatchColumn, string>>;
}

export interface SheetReading {
  format: 'csv' | 'xlsx';
  /** csv: the encoding the text was read in (detected or given), e.g. 'UTF-8', 'UTF-16LE', 'windows-1256' */
  encoding?: string;
  /** every header in file order (trailing empty header cells dropped) and the column it names */
  columns: { header: string; column: BatchColumn | null }[];
  /** non-empty headers that name no column: reported to the user, then ignored */
  unknownColumns: string[];
  /** the non-empty rows below the header */
  rows: SheetRow[];
}

/** How many bytes a workbook may unzip to unless the caller says otherwise (10,000 rows take about 4 MB). */
export const DEFAULT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024;

const startsWith = (data: Buffer, bytes: number[]) => bytes.every((byte, i) => data[i] === byte);

const ZIP = [0x50, 0x4b, 0x03, 0x04];
// the OLE compound file: Excel 97-2003 .xls, and also any password-protected .xlsx (encrypted into one)
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const OTHER_BINARIES: { bytes: number[]; kind: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'a JPEG image' },
  { bytes: [0x1f, 0x8b], kind: 'a gzip archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], kind: 'an empty ZIP archive' },
];

// an optional UTF-8 byte-order mark and white space, then "<": HTML or XML ("XML Spreadsheet 2003")
const MARKUP = /^(\xef\xbb\xbf)?\s*</;

const unsupported = (detail: string) =>
  unprocessable(
    `${detail} Upload the cohort as an Excel workbook (.xlsx) or as CSV; in Excel use File > Save As > "Excel Workbook (*.xlsx)" or "CSV UTF-8 (Comma delimited) (*.csv)".`,
    'unsupported-file-type',
  );

/** Whether the uploader called the file a workbook (by its name or content type): only sharpens a message. */
const announcedAsXlsx = (fileName?: string, contentType?: string) =>
  /\.xlsx$/i.test(fileName ?? '') || /spreadsheetml/i.test(contentType ?? '');

/**
 * Reads a cohort spreadsheet into raw rows. The format comes from the content: a ZIP archive is read as XLSX,
 * an old Excel or other binary file is refused, anything else is read as CSV text. The file name and content
 * type only make a refusal clearer. Errors are HttpProblems: 422 for a file the uploader must fix, 413 when it
 * holds more than maxRows rows or unzips to more than maxUnzippedBytes.
 */
export async function readSheet(input: {
  data: Buffer;
  fileName?: string;
  contentType?: string;
  encoding?: string;
  maxRows: number;
  maxUnzippedBytes?: number;
}): Promise<SheetReading> {
  const { data, maxRows } = input;
  if (startsWith(data, ZIP)) {
    return readXlsx({ data, maxRows, maxUnzippedBytes: input.maxUnzippedBytes ?? DEFAULT_MAX_UNZIPPED_BYTES });
  }
  if (startsWith(data, OLE)) {
    throw unsupported(
      'The file is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which cannot be read. Save it as .xlsx without a password, or as CSV UTF-8.',
    );
  }
  const binary = OTHER_BINARIES.find(({ bytes }) => startsWith(data, bytes));
  if (binary) throw unsupported(`The file is ${binary.kind}, not a spreadsheet.`);
  if (MARKUP.test(data.subarray(0, 64).toString('latin1'))) {
    throw unsupported('The file is a web page or XML document (some systems export one under an .xls name), not a spreadsheet.');
  }
  if (announcedAsXlsx(input.fileName, input.contentType)) {
    throw unprocessable(
      `The file${input.fileName ? ` ${input.fileName}` : ''} is sent as an Excel workbook (.xlsx) but is not one (an .xlsx file is a ZIP archive); it may be damaged or renamed. Save it again from Excel as .xlsx or as CSV UTF-8.`,
      'unreadable-file',
    );
  }
  return readCsv({ data, encoding: input.encoding, maxRows });
}
