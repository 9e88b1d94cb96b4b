import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeCursor, pageQuerySchema, toPage } from '../../lib/pagination.js';
import { problemSchema } from '../../lib/schemas.js';
import { rfc3339 } from '../credentials/schemas.js';
import { centreForPrincipal, isPlatformAdmin } from '../centres/access.js';
import { listAuditEvents } from './repository.js';
import { auditEventSchema, auditEventView } from './schemas.js';


/** GET /api/v1/audit: the admin reads the whole trail, a centre only its own. */
const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/audit',
    {
      onRequest: app.requireAnyScope(['registry:admin', 'credentials:read', 'clients:manage']),
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first: the admin sees all centres, a centre client only its own',
        security: [{ bearerAuth: [] }],
        querystring: pageQuerySchema.extend({
          centre: z.string().max(100).optional().describe('a centre slug (admin); a centre client always gets its own'),
          action: z.string().max(100).optional().describe('e.g. credential.issued, centre.suspended'),
          target: z.string().max(200).optional().describe('e.g. centre:pakistan, client:iioe_…'),
          from: rfc3339.optional(),
          to: rfc3339.optional(),
        }),
        response: { 200: z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() }), 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { limit, cursor, centre: slug, action, target, from, to } = request.query;
      const principal = request.principal!;
      const centreId = slug
        ? (await centreForPrincipal({ ctx: app.ctx, principal, slug })).id
        : isPlatformAdmin(principal)
          ? undefined
          : (principal.centreId ?? undefined);
      const rows = await listAuditEvents(app.ctx.db, {
        filter: { centreId, action, target, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        limit,
        after: decodeCursor(cursor),
      });
      const page = toPage(rows, limit);
      return {
        items: page.items.map(auditEventView),
        nextCursor: page.nextCursor,
      };
    },
  );
};

export default auditRoutes;
