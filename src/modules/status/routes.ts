import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendSerialisedDocument, vcMediaType } from '../../lib/documents.js';
import { notFound } from '../../lib/problem.js';
import { problemSchema } from '../../lib/schemas.js';

const statusRoutes: FastifyPluginAsyncZod = async (app) => {
  const { statusLists, config } = app.ctx;

  app.get(
    '/status/:listId',
    {
      schema: {
        tags: ['status'],
        summary: 'A centre\'s revocation list: a signed BitstringStatusListCredential (ETag, Cache-Control, 304)',
        params: z.object({ listId: z.string().max(100) }),
        response: { 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { listId } = request.params;
      const list = z.uuid().safeParse(listId).success ? await statusLists.document(listId) : undefined;
      if (!list?.document) throw notFound(`No status list has the id "${listId}". Status list links come from a credential's credentialStatus.statusListCredential.`);
      // the media type follows Accept and the answer is publicly cacheable
      reply.header('Vary', 'Accept');
      return sendSerialisedDocument(request, reply, {
        body: list.document,
        contentType: vcMediaType(request.headers.accept),
        cacheControl: `public, max-age=${config.statusLists.maxAgeSeconds}`,
      });
    },
  );
};

export default statusRoutes;
