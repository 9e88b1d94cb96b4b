import { HttpProblem, problem, problemType } from '../../../lib/problem.js';
import { acceptedNames, type BatchColumn, columnForHeader } from './columns.js';
import type { SheetReading, SheetRow } from './read-sheet.js';

/** More header cells than any cohort file has: beyond this the "header" is data or damage, not columns. */
export const MAX_COLUMNS = 200;

/** The spreadsheet letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const fileProblem = (slug: string, detail: string, errors?: { path: string; message: string }[]) =>
  new HttpProblem({ status: 422, type: problemType(slug), title: 'Unprocessable Content', detail, errors });

/** The columns a header row names; refuses a header without `name` and two headers for one column. */
function readHeader(cells: string[], rowNumber: number): SheetReading['columns'] {
  // spreadsheets often carry empty formatted cells after the last real header
  const last = cells.findLastIndex((cell) => cell !== '');
  if (last + 1 > MAX_COLUMNS) {
    throw fileProblem(
      'too-many-columns',
      `Row ${rowNumber}, the header row, has ${last + 1} columns; a cohort file has at most ${MAX_COLUMNS}. Check that the first non-empty row holds the column names.`,
    );
  }
  const columns = cells.slice(0, last + 1).map((header) => ({ header, column: header === '' ? null : columnForHeader(header) }));
  const seen = new Map<BatchColumn, number>();
  const duplicates: { path: string; message: string }[] = [];
  columns.forEach(({ header, column }, index) => {
    if (!column) return;
    const first = seen.get(column);
    if (first === undefined) seen.set(column, index);
    else {
      duplicates.push({
        path: `${columnLetters(index)}${rowNumber}`,
        message: `"${header}" is the ${column} column again; column ${columnLetters(first)} ("${columns[first]?.header}") already is`,
      });
    }
  });
  if (duplicates.length > 0) {
    throw fileProblem(
      'duplicate-column',
      `Two headers name the same column: ${duplicates.map((d) => `${d.path}: ${d.message}`).join('; ')}. Keep one of each and rename or delete the other.`,
      duplicates,
    );
  }
  if (!seen.has('name')) {
    const found = columns.map((c) => c.header).filter(Boolean);
    throw fileProblem(
      'missing-column',
      `The file has no name column. Row ${rowNumber} is read as the header row and has ${found.length > 0 ? `the headers ${found.map((h) => `"${h}"`).join(', ')}` : 'no headers'}; ` +
        `add a column headed one of ${acceptedNames('name').map((n) => `"${n}"`).join(', ')}.`,
      [{ path: `A${rowNumber}`, message: `no header names the name column (accepted: ${acceptedNames('name').join(', ')})` }],
    );
  }
  return columns;
}

/**
 * Turns a sheet's rows, in order, into a SheetReading: the first non-empty row is the header, later non-empty
 * rows become SheetRows holding their known columns' trimmed, non-empty cells. CSV and XLSX readers both feed it,
 * so the two formats agree on what a header, an empty row and the row limit are.
 */
export function createRowCollector(maxRows: number) {
  let columns: SheetReading['columns'] | undefined;
  const rows: SheetRow[] = [];
  return {
    /** One row of cells as the sheet holds them; rowNumber as the spreadsheet shows it. */
    add(rowNumber: number, rawCells: readonly (string | undefined)[]) {
      const cells = Array.from(rawCells, (cell) => cell?.trim() ?? '');
      if (cells.every((cell) => cell === '')) return;
      if (!columns) {
        columns = readHeader(cells, rowNumber);
        return;
      }
      if (rows.length === maxRows) {
        throw problem(
          413,
          'too-many-rows',
          `The file has more than ${maxRows} learner rows (row ${rowNumber} is one too many); split it into files of at most ${maxRows} rows.`,
        );
      }
      const values: SheetRow['values'] = {};
      columns.forEach(({ column }, index) => {
        const value = cells[index];
        if (column && value) values[column] = value;
      });
      rows.push({ rowNumber, values });
    },
    finish(reading: Pick<SheetReading, 'format' | 'encoding'>): SheetReading {
      if (!columns) throw fileProblem('empty-file', 'The file is empty; put the column names in the first row and one learner per row below.');
      if (rows.length === 0) throw fileProblem('no-rows', 'The file has the column names but no learner rows; add one learner per row below the header.');
      return {
        ...reading,
        columns,
        unknownColumns: columns.filter(({ header, column }) => header !== '' && column === null).map(({ header }) => header),
        rows,
      };
    },
  };
}
