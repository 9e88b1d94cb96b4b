import type { Test } from 'tap';
import { build, type TestApp } from '../../helper.js';
import { buildRecordingRoutes, type FuzzRoute } from './routes.js';
import type { FuzzWorld } from './requests.js';
import { prepareFuzzWorld } from './world.js';

/**
 * The service as the fuzzer runs it: rate limits raised through their config variables (otherwise most answers
 * would be 429s), tokens that outlive a long run, no outbound resolution (generated URLs must not reach the
 * network), and queued work (batches, e-mails) left to a worker that does not run here: a job's writes (an
 * e-mail's wallet offer) would land between two requests and be charged to whichever came next. What a request
 * itself writes, queueing included, is still counted.
 */
export const FUZZ_ENV = {
  RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
  RATE_LIMIT_VERIFY_PER_MINUTE: '1000000',
  ACCESS_TOKEN_TTL_SECONDS: '86400',
  REMOTE_RESOLUTION: 'false',
  JOBS_IN_PROCESS: 'false',
};

export interface FuzzSession {
  testApp: TestApp;
  routes: FuzzRoute[];
  world: FuzzWorld;
}

/** Builds the app on a fresh database, records its route tree and prepares the data the cases aim at. */
export async function startFuzzSession(t: Pick<Test, 'teardown'>): Promise<FuzzSession> {
  const { built: testApp, routes } = await buildRecordingRoutes(() => build(t as Test, FUZZ_ENV));
  return { testApp, routes, world: await prepareFuzzWorld(testApp) };
}
