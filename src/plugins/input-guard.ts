import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { rejectInputFlaws } from '../lib/input-limits.js';

/**
 * Before any route's validation: path parameters, the query string and the parsed body must be storable
 * Unicode text (no NUL, no lone surrogate) and no deeper than the nesting limit. Checked once here for every
 * route, so no handler, validator, database driver or signer ever sees such input; the 422 names the field.
 * Registered before the routes (hooks apply to routes added after them).
 */
export default fp(
  async function inputGuard(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      rejectInputFlaws(request.params, 'params');
      rejectInputFlaws(request.query, 'querystring');
      rejectInputFlaws(request.body, 'body');
    });
  },
  { name: 'input-guard' },
);
