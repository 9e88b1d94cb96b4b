import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderCredentialPage } from '../../web/credential-page.js';
import { pageLanguage } from '../../web/language.js';
import { preparePageReply } from '../../web/respond.js';
import { walletOfferView } from '../../web/wallet-offer.js';
import { jsonLdDocumentSchema, problemSchema } from '../../lib/schemas.js';
import { participateInExchange } from './exchange.js';
import oid4vciRoutes from './oid4vci-routes.js';
import { offerPageContent, WALLET_PATHS } from './service.js';

const offerPageQuery = z.object({
  lang: z.string().max(100).optional().describe('page language: en, fr, ar or zh'),
  remember: z.string().max(100).optional().describe('1: remember the language in a cookie (the language switcher\'s links)'),
});

/** What wallets and their owners reach: the offer page of an e-mailed link, the OpenID4VCI issuer and VCALM exchanges. */
const walletRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  // A nonce request has no body, and some clients still label it JSON: an empty JSON body is no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => (body === '' ? done(null, undefined) : parseJson(request, body as string, done)));
  await app.register(oid4vciRoutes);

  app.get(
    `${WALLET_PATHS.offerPage}/:secret`,
    {
      config: { page: 'always' },
      schema: {
        tags: ['wallets'],
        summary: 'A wallet offer, as its owner reaches it from the e-mail: the credential\'s page with QR codes and buttons for wallet apps (HTML)',
        description:
          'The e-mail to the learner links here (an e-mail cannot carry a custom-scheme link or a QR code reliably). The page shows an OpenID4VCI credential offer (`openid-credential-offer://`) and an invitation for the DCC Learner Credential Wallet, each usable once until the offer expires. An unknown link is a 404 page, a used or expired one a 410, a credential that is revoked, replaced or suspended a 409 (erased: 410).',
        params: z.object({ secret: z.string().max(100).describe('the offer link\'s secret (256 bits, base64url)') }),
        querystring: offerPageQuery,
      },
    },
    async (request, reply) => {
      const language = pageLanguage(request, reply);
      const { secret } = request.params;
      const { credential, offer } = await offerPageContent({ ctx, secret, language });
      const wallet = await walletOfferView({
        expiresAt: offer.links.expiresAt,
        links: {
          ...(offer.protocols.includes('oid4vci') ? { oid4vci: offer.links.credentialOffer } : {}),
          ...(offer.protocols.includes('vcapi') ? { vcapi: offer.links.learnerCredentialWallet } : {}),
        },
      });
      // the link is the offer: never stored by a cache, never sent on as a referrer (preparePageReply's policy)
      preparePageReply(reply).header('Cache-Control', 'no-store');
      return reply.send(renderCredentialPage({ ...credential, language, platformName: ctx.config.platform.name, wallet, path: `${WALLET_PATHS.offerPage}/${secret}` }));
    },
  );

  app.post(
    `${WALLET_PATHS.exchanges}/:code`,
    {
      config: { rateLimit: { max: ctx.config.rateLimits.verify, timeWindow: 60_000 } },
      schema: {
        tags: ['wallets'],
        summary: 'A VCALM exchange for the DCC Learner Credential Wallet: {} → a DID authentication request; the signed presentation → the credential bound to that DID',
        description:
          'The URL is the `protocols.vcapi` of the invitation on the offer page. `{}` (or no body) answers `{verifiablePresentationRequest}` with query DIDAuthentication (did:key), the challenge, our domain and this URL as the exchange service. `{verifiablePresentation}` signed for authentication with that challenge and domain (Ed25519Signature2020, eddsa-rdfc-2022 or eddsa-jcs-2022), or the bare presentation of the older credential-request flow (challenge only), answers a presentation holding the credential bound to the holder\'s did:key, which also holds itself under `verifiablePresentation`, so that both flows find the credential. Once per offer: a used exchange is a 410, an expired one too; a failed authentication (400) leaves it open.',
        params: z.object({ code: z.string().max(100).describe('the exchange\'s code (256 bits, base64url)') }),
        body: z
          .looseObject({ verifiablePresentation: z.record(z.string(), z.unknown()).optional().describe('the DID authentication: a presentation signed by the holder') })
          .nullish()
          .describe('{} (or nothing) to start; {verifiablePresentation} to finish; or the bare presentation'),
        response: { 200: jsonLdDocumentSchema, 400: problemSchema, 404: problemSchema, 409: problemSchema, 410: problemSchema },
      },
    },
    async (request, reply) => {
      const answer = await participateInExchange({ ctx, code: request.params.code, message: request.body, requestId: String(request.id) });
      return reply.header('Cache-Control', 'no-store').send(answer);
    },
  );
};

export default walletRoutes;
