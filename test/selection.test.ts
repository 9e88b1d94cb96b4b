import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
// @ts-expect-error: a plain .mjs module of the test runner, without types
import { selectTests } from './selection.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

t.test('the PostgreSQL pass takes the database tests and leaves the run-once tests to the PGlite pass', async (t) => {
  const { all, database } = selectTests(root) as { all: string[]; database: string[] };
  t.ok(all.includes('test/modules/errors.test.ts'), 'every pass sees every test file');
  t.ok(database.includes('test/modules/errors.test.ts'), 'a file that builds the app through test/helper.ts runs on PostgreSQL');
  t.ok(database.includes('test/cli.test.ts'), 'so does one that imports src/app.ts itself');
  for (const once of ['test/web/credential-page.browser.test.ts', 'test/modules/pages/certificate.test.ts', 'test/modules/verification/stock-verifier.test.ts']) {
    t.ok(all.includes(once), `${once} exists`);
    t.notOk(database.includes(once), `${once} runs once`);
  }
  t.notOk(database.includes('test/lib/short-code.test.ts'), 'a test without a database runs once');
});

t.test('a new test falls into the right pass by its imports, through support modules too', async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'iioe-selection-'));
  t.teardown(() => rm(scratch, { recursive: true, force: true }));
  const file = async (path: string, text: string) => {
    await mkdir(dirname(join(scratch, path)), { recursive: true });
    await writeFile(join(scratch, path), text);
  };
  await file('test/helper.ts', 'export const build = 1;\n');
  await file('test/support/world.ts', "import { build } from '../helper.js';\nexport const world = build;\n");
  await file('test/modules/direct.test.ts', "import { build } from '../helper.js';\n");
  await file('test/modules/indirect.test.ts', "import { world } from '../support/world.js';\n");
  await file('test/modules/schema.test.ts', "import { credentials } from '../../src/db/schema/index.js';\n");
  await file('test/modules/pure.test.ts', "import t from 'tap';\nimport { parse } from '../../src/lib/short-code.js';\n");
  await file('test/web/new-page.browser.test.ts', "import { build } from '../helper.js';\n");
  const { all, database } = selectTests(scratch) as { all: string[]; database: string[] };
  t.same(all, ['test/modules/direct.test.ts', 'test/modules/indirect.test.ts', 'test/modules/pure.test.ts', 'test/modules/schema.test.ts', 'test/web/new-page.browser.test.ts']);
  t.same(database, ['test/modules/direct.test.ts', 'test/modules/indirect.test.ts', 'test/modules/schema.test.ts']);
});
