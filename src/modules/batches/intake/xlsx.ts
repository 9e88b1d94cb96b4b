import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { HttpProblem, unprocessable } from '../../../lib/problem.js';
import type { SheetReading } from './read-sheet.js';
import { createRowCollector } from './rows.js';
import { checkInflatedSize, listZipEntries, rebuiltZipStream, unreadableWorkbook, type ZipEntry, type ZipPart } from './zip.js';

// exceljs's own rules for which number formats are dates and how Excel day numbers map to dates; its typings do
// not export them, and the streaming reader applies them to plain cells but not to a formula's cached result
const excelUtils = createRequire(import.meta.url)('exceljs/lib/utils/utils.js') as {
  isDateFmt(format: string | undefined): boolean;
  excelToDate(days: number, date1904: boolean): Date;
};

/** What exceljs's streaming reader keeps of the workbook part once it has read it (not in its typings). */
interface WorkbookReaderState {
  model?: { sheets?: { name?: string; rId?: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
}

const EMPTY_SHARED_STRINGS =
  '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>';

// Excel keeps 15 significant digits; formatting with them drops binary noise (0.30000000000000004) and never
// writes an exponent, so an id typed as a number (20231234) reads back as typed
const plainNumber = new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 15 });

/**
 * A date cell as ISO 8601: the date alone (2026-11-23) when the cell holds no time of day, as people type dates
 * and as a CSV file holds them; else an RFC 3339 UTC date-time to the second (2026-11-23T09:30:00Z). Excel dates
 * carry no zone, so the wall-clock value is read as UTC.
 */
function isoDateTime(date: Date): string | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  const text = new Date(Math.round(date.getTime() / 1000) * 1000).toISOString();
  return text.endsWith('T00:00:00.000Z') ? text.slice(0, 10) : text.replace('.000Z', 'Z');
}

type CellValue = ExcelJS.CellValue | { sharedString: number } | undefined;

/** The text of a cell of any type, as a person reading the sheet would type it back. */
export function cellText(value: CellValue, numberFormat: string | undefined, date1904: boolean): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return value === 0 ? '0' : plainNumber.format(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDateTime(value);
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    // a formula's cached result is a bare number even when the cell is formatted as a date
    if (typeof result === 'number' && excelUtils.isDateFmt(numberFormat)) {
      return Number.isNaN(result) ? undefined : isoDateTime(excelUtils.excelToDate(result, date1904));
    }
    return typeof result === 'number' && Number.isNaN(result) ? undefined : cellText(result as CellValue, numberFormat, date1904);
  }
  if ('error' in value) return value.error;
  if ('text' in value && typeof value.text === 'string') return value.text; // a hyperlink: its shown text
  return undefined;
}

/** The archive path of the workbook's first worksheet (its first tab), from the workbook part and its relations. */
function firstWorksheetPath(state: WorkbookReaderState): string {
  const first = state.model?.sheets?.[0];
  const target = state.workbookRels?.find((rel) => rel.Id === first?.rId)?.Target;
  if (!target) throw unreadableWorkbook('it has no worksheet');
  // targets are relative to xl/ ("worksheets/sheet1.xml") or absolute in the archive ("/xl/worksheets/sheet1.xml")
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

/** Runs exceljs's streaming reader over a rebuilt archive; every failure there comes from the file's content. */
async function withExcelErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    // the XML parser's messages say where the file is wrong; a TypeError deep in the reader says nothing useful
    const parserMessage = error instanceof Error && !(error instanceof TypeError || error instanceof RangeError) ? error.message : undefined;
    throw unreadableWorkbook(parserMessage ? parserMessage.replace(/\.$/, '').slice(0, 300) : 'its worksheet is not laid out as Excel writes one');
  }
}

const readerFor = (stream: Readable, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>) =>
  new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'ignore',
    sharedStrings: 'ignore',
    styles: 'ignore',
    hyperlinks: 'ignore',
    entries: 'ignore',
    ...options,
  });

/**
 * Reads the first worksheet of an XLSX workbook into raw rows with exceljs's streaming reader. The archive is
 * measured before anything is parsed (declared sizes, then the real unzipped bytes of every part the reader will
 * inflate, against `maxUnzippedBytes`), and the reader is handed a rebuilt archive of just those parts: the
 * workbook's relations and structure, styles (to tell dates from numbers), shared strings, then the worksheet,
 * so it streams the worksheet row by row.
 */
export async function readXlsx(input: { data: Buffer; maxRows: number; maxUnzippedBytes: number }): Promise<SheetReading> {
  const { data, maxUnzippedBytes } = input;
  const entries = new Map(listZipEntries(data, maxUnzippedBytes).map((entry) => [entry.name, entry] as const));
  const workbook = entries.get('xl/workbook.xml');
  const relations = entries.get('xl/_rels/workbook.xml.rels');
  if (!workbook) {
    const spreadsheet = entries.has('content.xml') ? ' It looks like an OpenDocument spreadsheet (.ods);' : '';
    throw unprocessable(
      `The file is a ZIP archive but not an Excel workbook (.xlsx).${spreadsheet} save it as .xlsx or as CSV UTF-8 and upload that.`,
      'unsupported-file-type',
    );
  }
  if (!relations) throw unreadableWorkbook('its workbook relations part (xl/_rels/workbook.xml.rels) is missing');

  const structure: ZipPart[] = [
    { name: 'xl/_rels/workbook.xml.rels', entry: relations },
    { name: 'xl/workbook.xml', entry: workbook },
  ];
  await checkInflatedSize(data, [relations, workbook], maxUnzippedBytes);
  const sheetPath = await withExcelErrors(async () => {
    const reader = readerFor(rebuiltZipStream(data, structure), {});
    for await (const _ of reader.parse() as unknown as AsyncIterable<unknown>);
    return firstWorksheetPath(reader as unknown as WorkbookReaderState);
  });
  const sheet = entries.get(sheetPath);
  if (!sheet) throw unreadableWorkbook(`its first worksheet (${sheetPath}) is missing`);

  const styles = entries.get('xl/styles.xml');
  const sharedStrings = entries.get('xl/sharedStrings.xml');
  const measured = [relations, workbook, styles, sharedStrings, sheet].filter((entry): entry is ZipEntry => entry !== undefined);
  await checkInflatedSize(data, measured, maxUnzippedBytes);
  const parts: ZipPart[] = [
    ...structure,
    ...(styles ? [{ name: 'xl/styles.xml', entry: styles }] : []),
    // the reader streams a worksheet only once it holds shared strings, so a workbook without any gets an empty set
    sharedStrings ? { name: 'xl/sharedStrings.xml', entry: sharedStrings } : { name: 'xl/sharedStrings.xml', text: EMPTY_SHARED_STRINGS },
    // exceljs recognises worksheets by this name only; workbooks from other tools may name the part differently
    { name: 'xl/worksheets/sheet1.xml', entry: sheet },
  ];

  const collector = createRowCollector(input.maxRows);
  await withExcelErrors(async () => {
    const reader = readerFor(rebuiltZipStream(data, parts), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache' });
    for await (const worksheet of reader) {
      const date1904 = (reader as unknown as WorkbookReaderState).properties?.model?.date1904 === true;
      for await (const row of worksheet) {
        const cells: (string | undefined)[] = [];
        row.eachCell((cell, column) => {
          cells[column - 1] = cellText(cell.value, cell.numFmt, date1904);
        });
        collector.add(row.number, cells);
      }
    }
  });
  return collector.finish({ format: 'xlsx' });
}
