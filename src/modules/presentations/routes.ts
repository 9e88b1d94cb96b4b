import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemSchema } from '../../lib/schemas.js';
import { verifyPresentationRequestSchema, verifyPresentationResponseSchema } from './schemas.js';
import { verifyVcalmPresentation } from './service.js';

/** VCALM POST /presentations/verify (W3C Verifiable Credential API for Lifecycle Management). */
const presentationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/presentations/verify',
    {
      // public, and it runs the whole verifier once per credential: limited like the other verify endpoints
      config: { rateLimit: { max: app.ctx.config.rateLimits.verify, timeWindow: 60_000 } },
      schema: {
        tags: ['vcalm'],
        summary: 'VCALM verify presentation: its proof (authentication, challenge, domain), each credential in it, holder binding',
        description:
          'Send `{verifiablePresentation, options: {challenge, domain?, returnPresentation?}}` for a signed presentation (eddsa-rdfc-2022, eddsa-jcs-2022 or Ed25519Signature2020; `challenge` required), or `{presentation}` for one without a proof (VCALM\'s proofless request: the only way one is accepted). 200 with `verified` true or false whenever verification could run; each credential is answered as POST /credentials/verify answers it, and a credential whose subject is a DID must be presented by that DID (`holder-not-subject`). 400 for a malformed request or presentation.',
        body: verifyPresentationRequestSchema,
        response: { 200: verifyPresentationResponseSchema, 400: problemSchema },
      },
    },
    async (request) => verifyVcalmPresentation({ ctx: app.ctx, ...request.body }),
  );
};

export default presentationRoutes;
