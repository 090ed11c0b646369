/**
 * The admin permission catalogue (DESIGN §21): every key an admin role can grant, namespaced `resource.action`.
 * Built like the subuser catalogue (contracts/permissions.ts): the `AdminPermission` type, the role editor, the admin
 * menu, the admin route manifest and `GET /api/application/permissions` are derived from this table. Keys are a
 * stored contract (admin roles keep them): never rename one without a data migration.
 */

interface KeyDef {
  readonly description: string;
}
interface GroupDef {
  readonly description: string;
  readonly keys: Readonly<Record<string, KeyDef>>;
}

export const ADMIN_CATALOGUE = {
  users: {
    description: 'Customer and staff accounts.',
    keys: {
      view: { description: 'List and open user accounts.' },
      create: { description: 'Create accounts with a temporary password.' },
      update: { description: 'Edit profile fields, enforce or reset two-factor authentication.' },
      suspend: { description: 'Suspend and reinstate accounts (ends their sessions, keys, sockets and SFTP at once).' },
      delete: { description: 'Soft-delete accounts (their servers are cleaned up by background jobs).' },
      impersonate: { description: 'Sign in as a non-admin user to investigate a support ticket.' },
    },
  },
  servers: {
    description: 'Game servers on every node.',
    keys: {
      view: { description: 'List and open every server.' },
      create: { description: 'Create servers for a user.' },
      update: { description: 'Change a server\'s details, owner and limits.' },
      suspend: { description: 'Suspend and unsuspend servers.' },
      delete: { description: 'Delete servers.' },
    },
  },
  nodes: {
    description: 'Nodes and their allocations.',
    keys: {
      view: { description: 'List nodes and their allocations.' },
      create: { description: 'Register nodes.' },
      update: { description: 'Edit nodes and add or remove allocations.' },
      delete: { description: 'Delete nodes.' },
    },
  },
  'database-hosts': {
    description: 'Database hosts that hold server databases.',
    keys: {
      view: { description: 'List database hosts.' },
      create: { description: 'Register database hosts.' },
      update: { description: 'Edit database hosts.' },
      delete: { description: 'Delete database hosts.' },
    },
  },
  software: {
    description: 'Software definitions (eggs).',
    keys: {
      view: { description: 'List and export software definitions.' },
      create: { description: 'Import software definitions.' },
      update: { description: 'Edit software definitions.' },
      delete: { description: 'Delete software definitions.' },
    },
  },
  'ssh-keys': {
    description: 'Every SSH public key uploaded by any user.',
    keys: {
      view: { description: 'List keys with their owner and fingerprint.' },
      create: { description: 'Add a key on behalf of a user.' },
      delete: { description: 'Delete a key on behalf of a user.' },
    },
  },
  roles: {
    description: 'Admin roles and who holds them.',
    keys: {
      view: { description: 'List admin roles and their holders.' },
      create: { description: 'Create admin roles.' },
      update: { description: 'Edit admin roles and assign them to staff admins.' },
      delete: { description: 'Delete admin roles (never the reserved super-admin).' },
    },
  },
  mail: {
    description: 'Mass mail to a filtered slice of users.',
    keys: {
      view: { description: 'Read the Email Log.' },
      send: { description: 'Compose and send a mass mail.' },
    },
  },
  audit: {
    description: 'The admin audit log.',
    keys: { view: { description: 'Read and export the audit log of every admin action and impersonation.' } },
  },
  'api-keys': {
    description: 'Application (ptla_) API keys.',
    keys: { manage: { description: 'Create and revoke one\'s own application keys (never beyond one\'s own admin permissions).' } },
  },
  tasks: {
    description: 'Background jobs on the runner.',
    keys: { view: { description: 'List queued, running and finished background jobs (cleanup after a deletion).' } },
  },
  settings: {
    description: 'Panel-wide settings.',
    keys: {
      view: { description: 'Read panel settings.' },
      edit: { description: 'Change panel settings.' },
    },
  },
} as const satisfies Record<string, GroupDef>;

type AdminCatalogue = typeof ADMIN_CATALOGUE;
export type AdminGroup = keyof AdminCatalogue;
export type AdminPermission = { [G in AdminGroup]: `${G}.${Extract<keyof AdminCatalogue[G]['keys'], string>}` }[AdminGroup];
/** What a role may list: exact keys, `group.*`, or `*` (only the reserved super-admin holds `*`). */
export type AdminGrant = AdminPermission | '*' | `${AdminGroup}.*`;

export const SUPER_ADMIN_ROLE = 'super-admin';

export interface AdminPermissionInfo {
  readonly key: AdminPermission;
  readonly group: AdminGroup;
  readonly description: string;
}

export const ADMIN_GROUPS = Object.keys(ADMIN_CATALOGUE) as AdminGroup[];

export const ADMIN_PERMISSIONS: readonly AdminPermissionInfo[] = ADMIN_GROUPS.flatMap((group) =>
  Object.entries(ADMIN_CATALOGUE[group].keys as Record<string, KeyDef>).map(([name, def]) => ({
    key: `${group}.${name}` as AdminPermission,
    group,
    description: def.description,
  })),
);

export const ADMIN_PERMISSION_KEYS: readonly AdminPermission[] = ADMIN_PERMISSIONS.map((p) => p.key);
const KNOWN = new Set<string>(ADMIN_PERMISSION_KEYS);

export function isAdminPermission(value: string): value is AdminPermission {
  return KNOWN.has(value);
}

/** Whether a role may store this grant: a known key or `group.*` (`*` is reserved to super-admin). */
export function isAdminGrant(value: string): boolean {
  return KNOWN.has(value) || (value.endsWith('.*') && (ADMIN_GROUPS as string[]).includes(value.slice(0, -2)));
}

/**
 * The effective admin permissions of a holder: the union of every role's grants, wildcards expanded. `*` covers
 * every key this build knows. An admin with no roles holds nothing.
 */
export function unionOfRoles(roles: ReadonlyArray<{ readonly permissions: readonly string[] }>): AdminPermission[] {
  const grants = new Set(roles.flatMap((r) => r.permissions));
  if (grants.has('*')) return [...ADMIN_PERMISSION_KEYS];
  return ADMIN_PERMISSION_KEYS.filter((k) => grants.has(k) || grants.has(`${k.slice(0, k.indexOf('.'))}.*`));
}

/** The one matcher for admin keys: `held` is an expanded list (from `unionOfRoles`). */
export function hasAdminPermission(held: readonly string[], key: AdminPermission): boolean {
  return held.includes(key);
}

/** The catalogue as the role editor reads it (`GET /api/application/permissions`). */
export function adminPermissionCatalogue() {
  return {
    object: 'admin_permissions' as const,
    attributes: {
      groups: ADMIN_GROUPS.map((group) => ({
        group,
        description: ADMIN_CATALOGUE[group].description,
        keys: Object.entries(ADMIN_CATALOGUE[group].keys as Record<string, KeyDef>)
          .map(([name, def]) => ({ key: `${group}.${name}`, description: def.description })),
      })),
    },
  };
}
