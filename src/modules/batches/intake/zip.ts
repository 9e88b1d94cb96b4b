import { Readable } from 'node:stream';
// zlib's crc32 arrived in Node 22.2, within the runtime this project requires
import { crc32 as crc32Of, createInflateRaw } from 'node:zlib';
import { problem, unprocessable } from '../../../lib/problem.js';

/** One file inside a ZIP archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** where the entry's compressed bytes start in the archive */
  dataOffset: number;
}

/** The workbook is damaged or not laid out as a spreadsheet program writes one: the uploader saves it again. */
export const unreadableWorkbook = (detail: string) =>
  unprocessable(
    `The workbook cannot be read: ${detail}. Open it in Excel or LibreOffice and save it again as .xlsx, or save it as CSV UTF-8.`,
    'unreadable-file',
  );

const tooLargeWhenUnzipped = (detail: string) =>
  problem(
    413,
    'file-too-large-when-unzipped',
    `${detail}. A cohort workbook holds a list of learners; remove other sheets, images and formatting, or save it as CSV UTF-8.`,
  );

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

function findEndOfCentralDirectory(data: Buffer): number {
  // the record is 22 bytes plus a comment of at most 65,535 bytes, at the very end
  for (let offset = data.length - 22; offset >= Math.max(0, data.length - 22 - 0xffff); offset--) {
    if (data.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw unreadableWorkbook('it is not a complete ZIP archive (the end of its directory is missing; was the upload cut short?)');
}

/**
 * The entries of a ZIP archive, read from its central directory, with the sizes they declare. Refuses archives
 * that are damaged, encrypted (a password-protected workbook), use a compression other than deflate, or declare
 * more than `maxUnzippedBytes` in all.
 */
export function listZipEntries(data: Buffer, maxUnzippedBytes: number): ZipEntry[] {
  const end = findEndOfCentralDirectory(data);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  let declared = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > end || data.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw unreadableWorkbook('its directory is damaged');
    const flags = data.readUInt16LE(offset + 8);
    const method = data.readUInt16LE(offset + 10);
    const crc32 = data.readUInt32LE(offset + 16);
    const compressedSize = data.readUInt32LE(offset + 20);
    const uncompressedSize = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const localOffset = data.readUInt32LE(offset + 42);
    const name = data.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (flags & 0x1) throw unreadableWorkbook('it is password-protected; remove the password (File > Info > Protect Workbook) and upload it again');
    // 0xFFFFFFFF marks a ZIP64 size: more than 4 GB, far beyond any limit
    if (uncompressedSize === 0xffffffff) throw tooLargeWhenUnzipped(`The workbook's part ${name} declares more than 4 GB when unzipped`);
    if (method !== STORED && method !== DEFLATED) throw unreadableWorkbook(`its part ${name} uses a ZIP compression method (${method}) that spreadsheets do not`);
    if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw unreadableWorkbook(`its part ${name} is damaged`);
    const dataOffset = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    if (dataOffset + compressedSize > data.length) throw unreadableWorkbook(`its part ${name} is cut short`);
    declared += uncompressedSize;
    entries.push({ name, method, crc32, compressedSize, uncompressedSize, dataOffset });
  }
  if (declared > maxUnzippedBytes) {
    throw tooLargeWhenUnzipped(`The workbook declares ${declared} bytes when unzipped, more than the limit of ${maxUnzippedBytes} bytes`);
  }
  return entries;
}

const compressedBytes = (data: Buffer, entry: ZipEntry) => data.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);

/**
 * Inflates an entry only to count its bytes, stopping as soon as the count passes `budget`: a declared size is
 * whatever the archive's author wrote, so this is what bounds the work of the reader that inflates it again.
 * Rejects with an unreadable-file problem when the compressed data is damaged.
 */
function measureInflatedSize(data: Buffer, entry: ZipEntry, budget: number): Promise<number> {
  if (entry.method === STORED) return Promise.resolve(entry.compressedSize);
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw();
    let size = 0;
    inflater.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) {
        inflater.destroy();
        resolve(size);
      }
    });
    inflater.on('end', () => resolve(size));
    inflater.on('error', () => reject(unreadableWorkbook(`its part ${entry.name} is damaged (its compressed data is invalid)`)));
    inflater.end(compressedBytes(data, entry));
  });
}

/** Refuses the parts whose actual unzipped bytes, counted by inflating them, add up to more than the limit. */
export async function checkInflatedSize(data: Buffer, entries: ZipEntry[], maxUnzippedBytes: number): Promise<void> {
  let total = 0;
  for (const entry of entries) {
    total += await measureInflatedSize(data, entry, maxUnzippedBytes - total);
    if (total > maxUnzippedBytes) {
      throw tooLargeWhenUnzipped(
        `The workbook's part ${entry.name} unzips to more than the limit of ${maxUnzippedBytes} bytes (it declares ${entry.uncompressedSize})`,
      );
    }
  }
}

function localHeader(name: string, method: number, crc32: number, compressedSize: number, uncompressedSize: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_FILE_HEADER, 0);
  header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  header.writeUInt16LE(0x0800, 6); // the name is UTF-8; sizes are in this header, no data descriptor follows
  header.writeUInt16LE(method, 8);
  header.writeUInt32LE(crc32, 14);
  header.writeUInt32LE(compressedSize, 18);
  header.writeUInt32LE(uncompressedSize, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([header, nameBytes]);
}

/** A part to put in a rebuilt archive: an entry of the original (under a name of our choice) or our own text. */
export type ZipPart = { name: string; entry: ZipEntry } | { name: string; text: string };

/**
 * A ZIP stream of exactly the given parts, in the given order, for a reader that walks an archive's local
 * headers one after another (exceljs's streaming reader does). Each part gets a fresh local header carrying the
 * central directory's sizes and no data descriptor, so the reader sees the entries that were measured, in an order
 * that lets it stream the worksheet instead of spilling it to a temporary file, and nothing hidden between them.
 * Own text parts are stored uncompressed. The stream ends with an end-of-directory record (the reader ignores
 * the directory itself).
 */
export function rebuiltZipStream(data: Buffer, parts: ZipPart[]): Readable {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('entry' in part) {
      const { entry } = part;
      chunks.push(localHeader(part.name, entry.method, entry.crc32, entry.compressedSize, entry.uncompressedSize));
      chunks.push(compressedBytes(data, entry));
    } else {
      const bytes = Buffer.from(part.text, 'utf8');
      // the reader does not check CRCs; a correct one keeps the stream a valid archive all the same
      chunks.push(localHeader(part.name, STORED, crc32Of(bytes), bytes.length, bytes.length), bytes);
    }
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  chunks.push(end);
  return Readable.from(chunks);
}
