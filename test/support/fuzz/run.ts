/**
 * `npm run fuzz`: at least 1,000 generated hostile requests per route of the service, then the table (route,
 * cases, 2xx/3xx, 4xx, 5xx, rows written on 4xx) and every failure. Exits non-zero on any 5xx, timeout, row
 * written by a refused request or unhealthy service. FUZZ_CASES (default 1000) and FUZZ_SEED choose the run.
 */
import { formatTallies, fuzzRoutes } from './engine.js';
import { startFuzzSession } from './session.js';

const casesPerRoute = Number(process.env.FUZZ_CASES ?? 1000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const teardowns: (() => unknown)[] = [];
const startedAt = Date.now();

const { testApp, routes, world } = await startFuzzSession({ teardown: (fn: () => unknown) => void teardowns.push(fn) });
console.log(`fuzzing ${routes.length} routes, ${casesPerRoute} cases each, seed ${seed} (node ${process.version})`);
const { tallies, failures } = await fuzzRoutes({
  app: testApp.app,
  routes,
  world,
  casesPerRoute,
  seed,
  logs: testApp.logs,
  onRouteDone: (tally) => console.log(`  ${tally.route}: ${tally.cases} cases, ${tally.serverErrors} × 5xx`),
});
for (const teardown of teardowns.reverse()) await teardown();

console.log(`\n${formatTallies(tallies)}\n`);
console.log(`${tallies.reduce((sum, t) => sum + t.cases, 0)} requests in ${Math.round((Date.now() - startedAt) / 1000)} s, seed ${seed}`);
for (const failure of failures.slice(0, 50)) console.log(JSON.stringify(failure));
if (failures.length > 50) console.log(`… and ${failures.length - 50} more failures`);
console.log(failures.length === 0 ? 'no failures' : `${failures.length} failures`);
process.exit(failures.length === 0 ? 0 : 1);
