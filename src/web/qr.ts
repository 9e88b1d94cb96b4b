import QRCode from 'qrcode';

// Error correction M survives a scuffed or folded print; a four-module quiet zone is what scanners expect.
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 4 };

/** The QR code of a link as SVG (scales to any print size). */
export function qrSvg(link: string): Promise<string> {
  return QRCode.toString(link, { ...OPTIONS, type: 'svg' });
}

/** The QR code of a link as a PNG, `width` pixels square. */
export function qrPng(link: string, width = 512): Promise<Buffer> {
  return QRCode.toBuffer(link, { ...OPTIONS, type: 'png', width });
}
