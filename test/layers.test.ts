import { globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// Layers never import upward (docs/architecture.md): the W3C machinery, the pages, the helpers and the database
// layer import nothing from modules/; what they share with a module (e.g. the verification report's types)
// lives in the lower layer.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LOWER_LAYERS = ['src/vc', 'src/web', 'src/lib', 'src/db'];

/** The project files `source` (the text of `file`) imports, statically, type-only or dynamically, relative to the root. */
function importsIn(source: string, file: string): string[] {
  return [...source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(([, specifier]) => relative(root, resolve(root, dirname(file), specifier!)));
}

t.test('vc/, web/, lib/ and db/ import nothing from modules/', async (t) => {
  for (const layer of LOWER_LAYERS) {
    const files = globSync(`${layer}/**/*.ts`, { cwd: root });
    t.ok(files.length > 0, `${layer} has source files`);
    for (const file of files) {
      const upward = importsIn(readFileSync(join(root, file), 'utf8'), file).filter((target) => target.startsWith('src/modules/'));
      t.same(upward, [], `${file} imports no module`);
    }
  }
});

t.test('the check sees every form of import', async (t) => {
  const source = [
    "import { a } from '../modules/x/service.js';",
    "import type { B } from '../modules/y/report.js';",
    "export { c } from '../modules/z/c.js';",
    "const d = await import('../modules/w/d.js');",
    "import { e } from './keys.js';",
  ].join('\n');
  t.same(importsIn(source, 'src/vc/probe.ts'), ['src/modules/x/service.js', 'src/modules/y/report.js', 'src/modules/z/c.js', 'src/modules/w/d.js', 'src/vc/keys.js']);
});
