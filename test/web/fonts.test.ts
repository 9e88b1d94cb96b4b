import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BUNDLED_FONTS_DIR, bundleFonts, FONT_FILES, FONT_LICENCES, fontFile } from '../../src/web/fonts.js';

// The certificate's fonts (src/web/fonts): what `npm run build` copies into dist/fonts (scripts/copy-fonts.mjs, which
// then prints a Chinese and an Arabic certificate from dist), and the one lookup that finds them there in production
// and in their packages in development.

const require = createRequire(import.meta.url);

t.test('the build copies the six fonts and the licence of each package', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'iioe-fonts-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const copied = bundleFonts(out);
  t.equal(Object.keys(FONT_FILES).length, 6, 'regular and bold of Latin, Arabic and Chinese');
  t.equal(FONT_LICENCES.length, 3, 'one licence per package');
  t.same(copied.sort(), [...Object.values(FONT_FILES), ...FONT_LICENCES].map((file) => join(out, file)).sort());
  for (const file of Object.values(FONT_FILES)) {
    t.ok(readFileSync(join(out, file)).equals(readFileSync(require.resolve(file))), `${file}: the package's file`);
    // lookups in a bundled folder find the copies
    t.equal(fontFile(file, out), join(out, file));
  }
  for (const licence of FONT_LICENCES) t.match(readFileSync(join(out, licence), 'utf8'), /SIL Open Font License, Version 1\.1/, licence);
});

t.test('without a bundled folder (development) fonts come from their packages', async (t) => {
  t.equal(BUNDLED_FONTS_DIR, join(import.meta.dirname, '../../src/fonts/'), 'the bundled folder is fonts/ beside the compiled code');
  for (const file of Object.values(FONT_FILES)) t.equal(fontFile(file), require.resolve(file), file);
  t.equal(fontFile(FONT_FILES['cjk-400'], join(tmpdir(), 'no-such-folder')), require.resolve(FONT_FILES['cjk-400']));
});
