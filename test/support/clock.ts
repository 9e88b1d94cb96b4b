import type { Clock } from '../../src/lib/clock.js';

/**
 * A clock for the app under test (`build(t, env, { clock })`): the real time plus however far the test has moved
 * it forward, so a test reaches the end of a cache lifetime, a validity period or a suspension without waiting.
 */
export function testClock(): Clock & { advance(ms: number): void; advancePast(time: string): void } {
  let aheadMs = 0;
  const now = () => new Date(Date.now() + aheadMs);
  const advance = (ms: number) => {
    aheadMs += Math.max(0, ms);
  };
  // a second beyond, so no check can still read the same second as the limit
  return { now, advance, advancePast: (time: string) => advance(Date.parse(time) - now().getTime() + 1_000) };
}
