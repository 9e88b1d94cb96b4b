/** OAuth scopes an API client can hold. Centre clients act only on their own centre's data. */
export const SCOPES = {
  'credentials:issue': 'issue credentials for the client\'s centre',
  'credentials:manage': 'revoke, suspend and reissue the centre\'s credentials',
  'credentials:read': 'read the centre\'s credentials and their history',
  'clients:manage': 'manage the centre\'s API clients',
  'keys:manage': 'rotate the centre\'s signing key (reporting a key compromise stays with the platform admin)',
  'registry:admin': 'platform administration: centres, courses, authorisations, keys',
} as const;

export type Scope = keyof typeof SCOPES;

export const isScope = (value: string): value is Scope => Object.hasOwn(SCOPES, value);

/** Scopes a centre's client may hold; registry:admin is for platform clients only. */
export const CENTRE_SCOPES: Scope[] = ['credentials:issue', 'credentials:manage', 'credentials:read', 'clients:manage', 'keys:manage'];
