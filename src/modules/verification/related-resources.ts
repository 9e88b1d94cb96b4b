import { isUuid } from '../../lib/ids.js';
import type { AppContext } from '../../plugins/context.js';
import { EXAMPLES_V2_CONTEXT, VC_V2_CONTEXT, bundledContexts } from '../../vc/contexts.js';
import { centreDid, platformDid } from '../../vc/did-web.js';
import { checkRelatedResourceDigests, type RelatedResourceProblem, type ResourceReader } from '../../vc/related-resources.js';
import { credentialUrl } from '../credentials/document.js';
import { hasDocument } from '../credentials/service.js';
import { findCredential } from '../credentials/repository.js';
import { statusListUrl } from '../status/service.js';

/**
 * The resources whose exact bytes this service knows, for VC Data Model 2.0 §5.3 (a digest is over the bytes of the
 * resource as served):
 * - the W3C examples context: written here byte for byte as the Working Group publishes it (two-space JSON and a
 *   final newline);
 * - the VC 2.0 base context: the Recommendation fixes the SHA-256 of its file (Appendix B.1: implementations treat it
 *   as already retrieved), so a SHA-256 digest of it is checked against that value; other algorithms over it, and
 *   the other bundled contexts (npm copies whose bytes need not be the publishers'), are not checked;
 * - under PUBLIC_BASE_URL: a credential's public JSON and a status list (the stored documents, served as they are)
 *   and the DID documents (served as their JSON serialisation).
 * Anything else is not read here (the service fetches nothing for this).
 */
const BASE_CONTEXT_SHA256 = Buffer.from('24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9', 'hex');

function ownResourceReader(ctx: AppContext): ResourceReader {
  const base = ctx.config.publicBaseUrl;
  return async (url) => {
    if (url === EXAMPLES_V2_CONTEXT) return { readable: true, bytes: `${JSON.stringify(bundledContexts.get(url), null, 2)}\n` };
    if (url === VC_V2_CONTEXT) return { readable: true, digests: { sha256: BASE_CONTEXT_SHA256 } };
    if (!url.startsWith(`${base}/`)) return undefined;
    const rest = (prefix: string) => (url.startsWith(prefix) ? url.slice(prefix.length) : undefined);
    const credentialId = rest(credentialUrl(base, ''));
    if (credentialId !== undefined) {
      const row = isUuid(credentialId) ? await findCredential(ctx.db, credentialId) : undefined;
      return row && hasDocument(row) ? { readable: true, bytes: row.document } : { readable: false, reason: 'no credential is published there' };
    }
    const listId = rest(statusListUrl(base, ''));
    if (listId !== undefined) {
      const list = isUuid(listId) ? await ctx.statusLists.document(listId) : undefined;
      return list?.document ? { readable: true, bytes: list.document } : { readable: false, reason: 'no status list is published there' };
    }
    const did = url === `${base}/.well-known/did.json` ? platformDid(base) : /^\/centres\/([a-z0-9-]+)\/did\.json$/.exec(url.slice(base.length))?.[1];
    if (did !== undefined) {
      const document = await ctx.resolveDid(did.startsWith('did:') ? did : centreDid(base, did));
      return document ? { readable: true, bytes: JSON.stringify(document) } : { readable: false, reason: 'no DID document is published there' };
    }
    return undefined;
  };
}

/** The related resources whose digests do not match what this service holds at their URLs. */
export function relatedResourceMismatches({ ctx, credential }: { ctx: AppContext; credential: Record<string, unknown> }): Promise<RelatedResourceProblem[]> {
  return checkRelatedResourceDigests({ credential, read: ownResourceReader(ctx) });
}
