import t from 'tap';
import { fuzzRoutes } from '../support/fuzz/engine.js';
import { startFuzzSession } from '../support/fuzz/session.js';

// The quick pass of the fuzzer (`npm run fuzz` is the long one): every route of the service gets generated
// hostile requests; none may answer 5xx or hang, and a refused one may not add or remove a row anywhere.
const CASES_PER_ROUTE = Number(process.env.FUZZ_QUICK_CASES ?? 20);

t.test('hostile input: no 5xx, no row written by a refused request, on every route', async (t) => {
  const { testApp, routes, world } = await startFuzzSession(t);
  const names = routes.map((route) => `${route.method} ${route.url}`);
  for (const expected of ['POST /api/v1/credentials', 'POST /credentials/issue', 'POST /api/v1/verify', 'PATCH /api/v1/achievements/:id', 'GET /credentials/:id', 'POST /oauth/token', 'GET /docs']) {
    t.ok(names.includes(expected), `the route tree includes ${expected}`);
  }
  const seed = Number(process.env.FUZZ_SEED ?? 20260501);
  const { tallies, failures } = await fuzzRoutes({ app: testApp.app, routes, world, casesPerRoute: CASES_PER_ROUTE, seed, logs: testApp.logs });
  t.ok(tallies.every((tally) => tally.cases > 0), 'every route received cases');
  t.ok(tallies.some((tally) => tally.success > 0) && tallies.some((tally) => tally.clientErrors > 0), 'cases were both accepted and refused');
  t.same(failures.slice(0, 20), [], `no failures (seed ${seed}; ${failures.length} in all)`);
});
