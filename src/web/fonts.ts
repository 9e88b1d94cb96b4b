import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The certificate's font files. They come from npm font packages (complete TTFs: every glyph a name may need, nothing
 * fetched at run time), which are development dependencies: `npm run build` copies just these files, with their
 * licences, into `dist/fonts/`, so the production install carries 23 MB of fonts instead of 109 MB of font packages.
 */
export const FONT_FILES = {
  'latin-400': '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  'latin-700': '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  'arabic-400': '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
  'arabic-700': '@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf',
  'cjk-400': '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  'cjk-700': '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;
export type FontKey = keyof typeof FONT_FILES;

/** The SIL Open Font License of each font package, which has to travel with its fonts. */
export const FONT_LICENCES = [...new Set(Object.values(FONT_FILES).map((file) => file.split('/').slice(0, 2).join('/')))].map((pkg) => `${pkg}/LICENSE_FONT`);

/** Where the build puts the fonts: `fonts/` beside the compiled code (dist/fonts for dist/web/fonts.js). */
export const BUNDLED_FONTS_DIR = fileURLToPath(new URL('../fonts/', import.meta.url));

const require = createRequire(import.meta.url);

/**
 * The path of a font file (a path inside its package, as in FONT_FILES): in the bundled folder when there is one
 * (a build), else in the package (development, `npm start` running the sources).
 */
export function fontFile(file: string, bundledDir = BUNDLED_FONTS_DIR): string {
  return existsSync(bundledDir) ? join(bundledDir, file) : require.resolve(file);
}

/** Copies the font files and their licences from the packages into `outDir`, under their package paths. */
export function bundleFonts(outDir: string): string[] {
  return [...Object.values(FONT_FILES), ...FONT_LICENCES].map((file) => {
    const target = join(outDir, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(require.resolve(file), target);
    return target;
  });
}
