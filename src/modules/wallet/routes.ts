import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderCredentialPage } from '../../web/credential-page.js';
import { pageLanguage } from '../../web/language.js';
import { preparePageReply } from '../../web/respond.js';
import { walletOfferView } from '../../web/wallet-offer.js';
import oid4vciRoutes from './oid4vci-routes.js';
import { offerPageContent, WALLET_PATHS } from './service.js';

const offerPageQuery = z.object({
  lang: z.string().max(100).optional().describe('page language: en, fr, ar or zh'),
  remember: z.string().max(100).optional().describe('1: remember the language in a cookie (the language switcher\'s links)'),
});

/** What wallets and their owners reach: the offer page of an e-mailed link, and the OpenID4VCI issuer. */
const walletRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
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
};

export default walletRoutes;
