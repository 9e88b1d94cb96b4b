import type { StaffRole } from '../../db/schema/index.js';
import type { Scope } from '../auth/scopes.js';

/** What a console role may do: the API's scopes (one rule for console and API), plus managing console staff. */
export type StaffPermission = Scope | 'staff:manage';

const VIEWER: StaffPermission[] = ['credentials:read'];
const ISSUER: StaffPermission[] = [...VIEWER, 'credentials:issue'];
const MANAGER: StaffPermission[] = [...ISSUER, 'credentials:manage', 'clients:manage', 'keys:manage', 'staff:manage'];
// The platform admin: centres, courses, authorisations, registry and key compromise (registry:admin), the platform's
// own staff, and every centre's credentials to read (isPlatformAdmin decides the reach of credentials:read).
const ADMIN: StaffPermission[] = ['registry:admin', 'credentials:read', 'staff:manage'];

export const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<StaffPermission>> = {
  viewer: new Set(VIEWER),
  issuer: new Set(ISSUER),
  manager: new Set(MANAGER),
  admin: new Set(ADMIN),
};

/** The roles a centre's staff can hold (admin is the platform's). */
export const CENTRE_ROLES = ['viewer', 'issuer', 'manager'] as const satisfies readonly StaffRole[];
