import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP writer for hand-made workbooks: real archives, with the freedom to make them lie (a declared
 * size that is not the real one, an entry the directory does not list, an encrypted flag) the way a hostile
 * upload would.
 */
export interface FixtureEntry {
  name: string;
  /** the entry's content, deflated by the writer */
  content?: string | Buffer;
  /** already deflated bytes and their real unzipped size (for bombs too large to hold unzipped) */
  deflated?: { bytes: Buffer; size: number; crc: number };
  /** the uncompressed size to declare instead of the real one */
  declaredSize?: number;
  /** general-purpose flags (bit 0: encrypted) */
  flags?: number;
  /** written into the archive but left out of its central directory */
  hidden?: boolean;
}

export function zipArchive(entries: FixtureEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  let listed = 0;
  for (const entry of entries) {
    const raw = entry.content === undefined ? undefined : Buffer.from(entry.content);
    const bytes = entry.deflated?.bytes ?? deflateRawSync(raw ?? Buffer.alloc(0));
    const size = entry.declaredSize ?? entry.deflated?.size ?? raw?.length ?? 0;
    const crc = entry.deflated?.crc ?? crc32(raw ?? Buffer.alloc(0));
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.flags ?? 0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(bytes.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, bytes);
    if (!entry.hidden) {
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(20, 4);
      record.writeUInt16LE(20, 6);
      record.writeUInt16LE(entry.flags ?? 0, 8);
      record.writeUInt16LE(8, 10);
      record.writeUInt32LE(crc, 16);
      record.writeUInt32LE(bytes.length, 20);
      record.writeUInt32LE(size, 24);
      record.writeUInt16LE(name.length, 28);
      record.writeUInt32LE(offset, 42);
      central.push(record, name);
      listed++;
    }
    offset += 30 + name.length + bytes.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(listed, 8);
  end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `head`, then `padding` bytes of spaces, then `tail`, deflated without ever holding the unzipped text. */
export async function deflatedPadding(head: string, padding: number, tail: string): Promise<{ bytes: Buffer; size: number; crc: number }> {
  const deflater = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => deflater.on('end', resolve));
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  let crc = crc32(head);
  deflater.write(head);
  for (let left = padding; left > 0; left -= spaces.length) {
    const chunk = spaces.subarray(0, Math.min(left, spaces.length));
    crc = crc32(chunk, crc);
    if (!deflater.write(chunk)) await new Promise((resolve) => deflater.once('drain', resolve));
  }
  crc = crc32(tail, crc);
  deflater.end(tail);
  await done;
  return { bytes: Buffer.concat(out), size: Buffer.byteLength(head) + padding + Buffer.byteLength(tail), crc };
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a workbook whose tabs are `sheets` (name and part path, in tab order), as Excel lays them out. */
export function workbookParts(sheets: { name: string; path: string }[]): FixtureEntry[] {
  const tabs = sheets.map((sheet, i) => `<sheet name="${sheet.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  const rels = sheets
    .map((sheet, i) => `<Relationship Id="rId${i + 1}" Type="${RELATIONSHIPS}/worksheet" Target="${sheet.path.replace(/^xl\//, '')}"/>`)
    .join('');
  return [
    { name: '[Content_Types].xml', content: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { name: 'xl/workbook.xml', content: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><sheets>${tabs}</sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', content: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>` },
  ];
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A worksheet part of inline-string rows (Google Sheets and many exporters write no shared strings). */
export function inlineSheet(rows: string[][]): string {
  const body = rows
    .map((cells, r) => `<row r="${r + 1}">${cells.map((cell, c) => `<c r="${String.fromCharCode(65 + c)}${r + 1}" t="inlineStr"><is><t>${escapeXml(cell)}</t></is></c>`).join('')}</row>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${body}</sheetData></worksheet>`;
}

export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>`;
export const SHEET_TAIL = '<row r="2"><c r="A2" t="inlineStr"><is><t>Ada</t></is></c></row></sheetData></worksheet>';
