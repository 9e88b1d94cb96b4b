// The second half of `npm run build`, after tsc: copies the certificate's fonts and their licences from the font
// packages (development dependencies) into dist/fonts, then proves that the compiled code finds them there and
// prints a Chinese and an Arabic certificate with them. Fails the build otherwise.
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';

const fonts = await import(new URL('../dist/web/fonts.js', import.meta.url).href);
const { renderCertificatePdf } = await import(new URL('../dist/web/certificate-pdf.js', import.meta.url).href);

const copied = fonts.bundleFonts(fonts.BUNDLED_FONTS_DIR);
for (const file of Object.values(fonts.FONT_FILES)) {
  const found = fonts.fontFile(file);
  if (!found.startsWith(fonts.BUNDLED_FONTS_DIR) || !existsSync(found)) throw new Error(`the build does not find ${file} in ${fonts.BUNDLED_FONTS_DIR} (found ${found})`);
}

const certificates = [
  { language: 'zh', recipient: '李小龙', font: 'NotoSansSC' },
  { language: 'ar', recipient: 'أميرة حسن', font: 'NotoSansArabic' },
];
for (const { language, recipient, font } of certificates) {
  const pdf = await renderCertificatePdf({
    language,
    recipient,
    course: recipient,
    hours: 12,
    centre: recipient,
    issuedOn: new Date(),
    validUntil: null,
    code: 'EG-7K4Q-92MX-3TRA-K',
    link: 'https://credentials.example.org/v/EG-7K4Q-92MX-3TRA-K',
  });
  if (!pdf.toString('latin1').includes(`+${font}-`)) throw new Error(`the ${language} certificate built from dist does not embed ${font}`);
}

const megabytes = copied.reduce((sum, path) => sum + statSync(path).size, 0) / 1e6;
console.log(`fonts: ${copied.length} files (${megabytes.toFixed(1)} MB) in ${relative(process.cwd(), fonts.BUNDLED_FONTS_DIR)}; zh and ar certificates print from dist`);
