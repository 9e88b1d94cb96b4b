import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import { decoySecretHash, generateSecret, hashSecret, verifySecret } from '../../lib/secrets.js';
import * as repository from './repository.js';
import type { ApiClientRow } from './repository.js';
import { isScope, type Scope } from './scopes.js';

/** An RFC 6749 §5.2 error: the token endpoint answers `{error, error_description}`, never problem+json. */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope',
    description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

// Crockford base32 without padding: client ids are easy to read aloud and copy.
const CLIENT_ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const newClientId = () =>
  `iioe_${Array.from(randomBytes(20), (byte) => CLIENT_ID_ALPHABET[byte % 32]).join('')}`;

/** Creates a client; the secret is returned here once and only its hash is stored. */
export async function createClient({
  db,
  centreId,
  name,
  scopes,
  isDemo = false,
}: {
  db: DbOrTx;
  centreId: string | null;
  name: string;
  scopes: Scope[];
  isDemo?: boolean;
}): Promise<{ client: ApiClientRow; clientSecret: string }> {
  const clientSecret = generateSecret();
  const client = await repository.insertClient(db, {
    clientId: newClientId(),
    secretHash: await hashSecret(clientSecret),
    centreId,
    name,
    scopes,
    isDemo,
  });
  return { client, clientSecret };
}

export interface AuthenticatedClient {
  client: ApiClientRow;
  centreSlug: string | null;
}

export async function authenticateClient({ db, clientId, clientSecret }: { db: Db; clientId: string; clientSecret: string }): Promise<AuthenticatedClient> {
  const found = await repository.findClientByClientId(db, clientId);
  // Always run one scrypt comparison, so unknown ids and wrong secrets take the same time.
  const matches = await verifySecret(clientSecret, found?.client.secretHash ?? (await decoySecretHash()));
  if (!found || !matches || found.client.status !== 'active') {
    throw new OAuthError('invalid_client', 'Client authentication failed: unknown client, wrong secret, or disabled client.');
  }
  return { client: found.client, centreSlug: found.centreSlug };
}

/** The scopes to grant: all of the client's when none are requested, else the requested subset. */
export function grantScopes(client: ApiClientRow, requested: string | undefined): Scope[] {
  if (requested === undefined || requested.trim() === '') return client.scopes.filter(isScope);
  const wanted = requested.trim().split(/\s+/);
  const refused = wanted.filter((scope) => !client.scopes.includes(scope));
  if (refused.length > 0) {
    throw new OAuthError('invalid_scope', `The client may not request: ${refused.join(', ')}. Its scopes are: ${client.scopes.join(' ')}.`);
  }
  return [...new Set(wanted)].filter(isScope);
}

/**
 * Names the client's current secret without revealing anything about it (a digest of its scrypt hash). Access
 * tokens carry it, so a new secret ends the tokens minted with the old one.
 */
export const secretVersion = (secretHash: string) => createHash('sha256').update(secretHash).digest('base64url').slice(0, 22);

/** The client of a token as token checks see it: enabled or not, and its current secret's version (unknown: inactive). */
export async function tokenClientState({ db, id }: { db: Db; id: string }): Promise<{ active: boolean; secretVersion?: string }> {
  const row = await repository.findClientTokenState(db, id);
  return row ? { active: row.status === 'active', secretVersion: secretVersion(row.secretHash) } : { active: false };
}
