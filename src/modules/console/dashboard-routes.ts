import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderDashboardPage } from '../../web/console/dashboard-page.js';
import { pageContext, sendPage } from './pages.js';
import { dashboardSummary } from './service.js';

export const languageQuery = z.object({ lang: z.string().max(100).optional(), remember: z.string().max(100).optional() });

/** GET /console: the dashboard every signed-in staff member lands on. */
const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/console', { schema: { hide: true, querystring: languageQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const summary = await dashboardSummary({ ctx: app.ctx, principal: request.consoleSession!.principal });
    return sendPage(reply, renderDashboardPage({ language, platformName: app.ctx.config.platform.name, viewer: viewer!, ...summary }));
  });
};

export default dashboardRoutes;
