import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, problemType } from '../lib/problem.js';

/**
 * Per-process rate limiting (in memory, keyed by client address): routes opt in with
 * `config: { rateLimit: { max, timeWindow } }`. Over the limit: 429 with Retry-After, as problem+json
 * (the token endpoint's own error handler turns it into RFC 6749 form).
 */
export default fp(
  async function rateLimits(app: FastifyInstance) {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new HttpProblem({
          status: 429,
          type: problemType('rate-limited'),
          title: 'Too Many Requests',
          detail: `Too many requests from this address: at most ${context.max} per ${context.after === undefined ? 'window' : 'minute'}; retry in ${Math.ceil(context.ttl / 1000)} s.`,
          extensions: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
        }),
    });
  },
  { name: 'rate-limits' },
);
