/**
 * CSV for people who open it in a spreadsheet. RFC 4180: fields separated by commas, records by CRLF, a field
 * quoted when it holds a comma, a quote, CR or LF, with its quotes doubled.
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell that
 * starts with =, +, - or @ as a formula (=HYPERLINK(...) leaks data, DDE can start programs), and a leading tab
 * or CR can hide such a start. Exported cells hold what learners and staff typed, so every cell starting with one
 * of those characters gets a leading single quote, which the spreadsheet shows as text. A negative number is
 * quoted as well: the cell shows the same text, and no rule on which "-" is safe can be got wrong.
 */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The text a spreadsheet will show as a value, never run as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const text = neutraliseFormula(String(cell));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text: RFC 4180 quoting, CRLF after every record, every cell guarded against formula injection. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
