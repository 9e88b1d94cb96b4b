#!/usr/bin/env node
// `npm test [-- tap args]`: prepare the DB template, run tap, then print one
// `N passed, M failed` line counted from tap's own TAP stream (CI reads only
// that line, not tap's summary). `npm test -- --database-pass` runs only the
// files CI's PostgreSQL pass needs (test/selection.mjs says which).
//
// Counting reads the runner's full TAP stream, not .tap/test-results/*.tap:
// those hold only each child's stdout, so a file killed by tap's timeout or
// exiting non-zero without a failing point would be invisible there. They are
// read only for a file whose output the runner's stream lost.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'tap-parser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const databasePass = process.argv.includes('--database-pass');
const userArgs = process.argv.slice(2).filter((arg) => arg !== '--database-pass');
const startedAt = Date.now();
const tmpBase = join(tmpdir(), `iioe-test-${process.pid}-${randomUUID()}`);
const templateFile = `${tmpBase}.template`;
const tapOutFile = `${tmpBase}.tap`;

let child = null;
let gotSignal = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Outlive the child so the temp files still get removed.
  process.on(sig, () => {
    gotSignal ??= sig;
    child?.kill(sig);
  });
}

function cleanup() {
  for (const f of [templateFile, tapOutFile]) rmSync(f, { recursive: true, force: true });
}

function run(cmd, args, { onSpawn, ...opts }) {
  return new Promise((res) => {
    child = spawn(cmd, args, { cwd: root, ...opts });
    child.on('error', (err) => {
      console.error(`run.mjs: cannot start ${cmd}: ${err.message}`);
      res({ code: 127 });
    });
    child.on('close', (code, signal) => res({ code: code ?? 128 + (constants.signals[signal] ?? 1) }));
    onSpawn?.(child);
  });
}

function finish(passed, failed, exitCode) {
  cleanup();
  console.log(`${passed} passed, ${failed} failed`);
  if (gotSignal) exitCode ||= 130;
  process.exit(exitCode);
}

console.log(`# node ${process.version}`);

// ---- 1. database template --------------------------------------------------
const env = { ...process.env };
if (existsSync(join(root, 'test/prepare-template.ts'))) {
  const prep = await run(process.execPath, ['--import', 'tsx', 'test/prepare-template.ts', templateFile], {
    stdio: 'inherit',
  });
  if (prep.code !== 0 || gotSignal) {
    console.error(`run.mjs: test/prepare-template.ts failed (exit ${prep.code}); no tests run`);
    finish(0, 1, prep.code || 1);
  }
  env.IIOE_TEST_TEMPLATE = templateFile;
}

// ---- 2. tap ----------------------------------------------------------------
let tapConfig = {};
try {
  tapConfig = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).tap ?? {};
} catch {}
const hasOpt = (long) => userArgs.some((a) => a === `--${long}` || a.startsWith(`--${long}=`));
const userReporter = (() => {
  for (let i = 0; i < userArgs.length; i++) {
    const a = userArgs[i];
    if (a === '--reporter' || a === '-R') return userArgs[i + 1];
    if (a.startsWith('--reporter=')) return a.slice('--reporter='.length);
    if (a.startsWith('-R')) return a.slice(2);
  }
  return env.TAP === '1' ? 'tap' : tapConfig.reporter;
})();

const tapArgs = [];
// Test files load TypeScript through tsx (esbuild) instead of tap's ts-node plugin, which compiles every
// imported file with the TypeScript compiler in every test process: about 2 s of CPU per test file.
// TAP_TYPE_STRIP_ONLY=1 is what tells that plugin to stay out of the way.
env.TAP_TYPE_STRIP_ONLY = '1';
tapArgs.push('--node-arg=--import=tsx');
// tap leaves one CPU free by default, which on a 2-core machine runs the files one at a time; every test file
// is its own process that also waits (child processes, a browser, the database), so use every core.
if (!hasOpt('jobs') && !userArgs.some((a) => /^-j\d*$/.test(a))) tapArgs.push(`--jobs=${availableParallelism()}`);
// tap's default include would also run helpers such as prepare-template.ts.
if (!tapConfig.include && !hasOpt('include')) tapArgs.push('--include=test/**/*.test.ts');
if (databasePass) {
  const { selectTests } = await import('./selection.mjs');
  const { all, database } = selectTests(root);
  console.log(`# database pass: ${database.length} of ${all.length} test files (the others run once, on PGlite)`);
  tapArgs.push(...database);
}

// tap 21 with the raw `tap` reporter plus --output-file prints everything
// twice, so raw-TAP runs (the non-TTY default, e.g. CI) are teed through here
// instead; other reporters keep the terminal and we read --output-file.
const reporter = userReporter ?? (process.stdout.isTTY ? 'base' : 'tap');
const rawTap = reporter === 'tap';
if (!userReporter) tapArgs.push(`--reporter=${reporter}`);
if (!rawTap) tapArgs.push(`--output-file=${tapOutFile}`);

const parser = new Parser();
const tree = collect(parser);
const tapBin = join(root, 'node_modules/.bin/tap');
const tapRun = await run(tapBin, [...tapArgs, ...userArgs], {
  env,
  stdio: ['inherit', rawTap ? 'pipe' : 'inherit', 'inherit'],
  onSpawn: (p) => {
    if (!rawTap) return;
    p.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      parser.write(chunk);
    });
  },
});
if (!rawTap && existsSync(tapOutFile)) {
  for await (const chunk of createReadStream(tapOutFile)) parser.write(chunk);
}
parser.end();

// ---- 3. count ----------------------------------------------------------------
const c = countFiles(tree);
// The runner plans one point per file; files it never reported (tap killed
// mid-run) are failures too, unless a bail-out stopped the run on purpose.
if (!parser.bailedOut && tree.planEnd > tree.points.length) c.failed += tree.planEnd - tree.points.length;

if (c.skipped || c.todo) console.log(`# ${c.skipped} skipped, ${c.todo} todo`);
if (tapRun.code !== 0 && c.failed === 0) {
  console.error(`run.mjs: tap exited ${tapRun.code} with no failing test (e.g. coverage check or runner error)`);
}
finish(c.passed, c.failed, tapRun.code !== 0 ? tapRun.code : c.failed > 0 ? 1 : 0);

// Record each parser's points, pairing a subtest's child parser with the
// summary point that follows it.
function collect(p) {
  const node = { points: [], planEnd: -1, name: p.name };
  let pendingChild = null;
  p.on('plan', (plan) => (node.planEnd = plan.end));
  p.on('child', (cp) => (pendingChild = collect(cp)));
  p.on('assert', (res) => {
    node.points.push({ res, child: pendingChild });
    pendingChild = null;
  });
  // A subtest left open when the stream ended still holds real points.
  p.on('complete', () => pendingChild && node.points.push({ res: null, child: pendingChild }));
  return node;
}

// Count leaf points only: a subtest's summary point repeats its children's
// outcome. A failed summary with no failing leaf (crash, non-zero exit,
// timeout, plan error) is one failure of its own. Failures under a todo/skip
// subtest are not failures.
function count(node, inherited) {
  const c = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  for (const { res, child } of node.points) {
    const dir = res?.todo ? 'todo' : res?.skip ? 'skip' : null;
    if (child) {
      const sub = count(child, dir ?? inherited);
      for (const k of Object.keys(c)) c[k] += sub[k];
      const leaves = sub.passed + sub.failed + sub.skipped + sub.todo;
      if (res && !res.ok && !dir && !inherited && sub.failed === 0) c.failed++;
      else if (res && leaves === 0 && dir) c[dir === 'todo' ? 'todo' : 'skipped']++;
      continue;
    }
    if (dir === 'skip') c.skipped++;
    else if (dir === 'todo') c.todo++;
    else if (res.ok) c.passed++;
    else if (inherited) c[inherited === 'todo' ? 'todo' : 'skipped']++;
    else c.failed++;
  }
  return c;
}

// The runner's own level: one summary point per file, never a leaf. With
// parallel jobs tap 21 can report a file timeout as an extra
// `not ok N - timeout!` (diag `expired: <file>`) that takes the place of
// another file's summary, so points are matched to files by name, and each
// file whose summary failed without a failing leaf adds exactly one failure.
function countFiles(node) {
  const c = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const files = new Map();
  const file = (name) => {
    if (!files.has(name)) files.set(name, { bad: false, dir: null, child: false, leaves: 0, leafFailed: 0 });
    return files.get(name);
  };
  for (const { res, child } of node.points) {
    const owner = res ? (res.name === 'timeout!' && res.diag?.expired) || res.name : child.name;
    const dir = res?.todo ? 'todo' : res?.skip ? 'skip' : null;
    if (child) {
      const mine = !res || !child.name || child.name === owner;
      const sub = count(child, mine ? dir : null);
      for (const k of Object.keys(c)) c[k] += sub[k];
      const f = file(mine ? owner : child.name);
      f.child = true;
      f.leaves += sub.passed + sub.failed + sub.skipped + sub.todo;
      f.leafFailed += sub.failed;
    }
    if (res) {
      const f = file(owner);
      if (!res.ok && !dir) f.bad = true;
      else if (dir) f.dir = dir;
    }
  }
  for (const [name, f] of files) {
    // Output that never reached the runner's stream: fall back on the file's
    // own saved stdout, if this run wrote it.
    const saved = !f.child && f.dir !== 'skip' && savedResults(name);
    if (saved) {
      const sub = count(saved, f.dir);
      for (const k of Object.keys(c)) c[k] += sub[k];
      f.leaves += sub.passed + sub.failed + sub.skipped + sub.todo;
      f.leafFailed += sub.failed;
    }
    if (f.bad && f.leafFailed === 0) c.failed++;
    else if (!f.bad && f.dir && f.leaves === 0) c[f.dir === 'todo' ? 'todo' : 'skipped']++;
  }
  return c;
}

function savedResults(name) {
  const file = join(root, '.tap/test-results', `${name}.tap`);
  try {
    if (statSync(file).mtimeMs < startedAt) return null;
    const p = new Parser();
    const node = collect(p);
    p.end(readFileSync(file, 'utf8'));
    return node;
  } catch {
    return null;
  }
}
