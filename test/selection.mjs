// Which test files each of CI's two passes runs (`npm test` runs them all; `npm test -- --database-pass` the
// second pass's share).
//
// The PGlite pass runs every test/**/*.test.ts. The PostgreSQL pass (--database-pass) runs again only what can
// behave differently on another database engine: the files that touch the database, found from their imports
// (the file, or a test/ module it imports, reaches test/helper.ts, src/app.ts or src/db/), so a new test that
// builds the app falls into both passes without anyone listing it. Files whose subject does not depend on the
// database engine run once, on the PGlite pass, even though they build an app: they are listed below.
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const TEST_FILES = 'test/**/*.test.ts';

/** Run once (PGlite pass only): browser, PDF, fuzz and stock-library oracle tests, and embedded-only ones. */
export const ONCE = [
  'test/**/*.browser.test.ts', // a real Chromium over the pages
  'test/web/browser-support.test.ts',
  'test/web/certificate-pdf.test.ts', // PDF rendering, read back with pdfjs-dist
  'test/modules/pages/certificate.test.ts',
  'test/fuzz/**/*.test.ts', // the quick property-based pass over every route
  'test/modules/verification/stock-verifier.test.ts', // the stock library as an oracle
  'test/vc/cryptosuite.test.ts',
  'test/db/backup.test.ts', // the embedded database's backup: PGlite whatever DATABASE_URL says
  // Real service processes killed mid-batch: each picks its database itself (its own PostgreSQL cluster from
  // IIOE_TEST_PG_BIN, or PGlite in a temporary directory), whatever DATABASE_URL says.
  'test/jobs/resume-postgres.test.ts',
  'test/jobs/resume-embedded.test.ts',
  'test/jobs/resume-delivery.test.ts',
];

// What makes a file a database test: importing one of these (paths relative to the project root).
const DATABASE_ENTRY_POINTS = [/^test\/helper\.ts$/, /^src\/app\.ts$/, /^src\/db\//];

/** Every test file, and the files the PostgreSQL pass runs, as paths relative to `root`. */
export function selectTests(root) {
  const all = globSync(TEST_FILES, { cwd: root }).sort();
  const once = new Set(ONCE.flatMap((pattern) => globSync(pattern, { cwd: root })));
  const database = all.filter((file) => !once.has(file) && touchesDatabase(root, file));
  return { all, database };
}

/** True when `file` or a test/ module it imports (transitively) imports a database entry point. */
export function touchesDatabase(root, file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = readFileSync(join(root, file), 'utf8');
  for (const [, specifier] of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(root, resolve(root, dirname(file), specifier.replace(/\.(m?)js$/, '.$1ts')));
    if (DATABASE_ENTRY_POINTS.some((pattern) => pattern.test(target))) return true;
    if (target.startsWith('test/') && existsSync(join(root, target)) && touchesDatabase(root, target, seen)) return true;
  }
  return false;
}
