/**
 * The time as the service reads it wherever time decides an outcome: cache lifetimes, validity periods,
 * suspensions that lift themselves, authorisations that run out, status lists due to be re-signed. Production
 * reads the system clock; tests build the app with a clock they move forward, so they prove what happens after
 * an expiry without waiting for it. (A proof's `created` is stamped by the signing library from the system clock.)
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
