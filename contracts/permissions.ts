/**
 * The permission catalogue: the single source of truth for every key a subuser can hold (DESIGN §3).
 * The `Permission` type, `GET /api/client/permissions`, the grid, the socket guard, the SFTP guard and the route
 * manifest are all derived from this table. Keys are a stored contract: never rename one without a data migration.
 */

interface KeyDef {
  readonly description: string;
  readonly sensitive?: true;
}
interface CategoryDef {
  readonly description: string;
  readonly keys: Readonly<Record<string, KeyDef>>;
}

export const CATALOGUE = {
  websocket: {
    description: 'Allows the user to connect to the server websocket, giving them access to view console output and realtime server stats.',
    keys: { connect: { description: 'Allows a user to connect to the websocket instance for a server to stream the console.' } },
  },
  control: {
    description: 'Permissions that control a user\'s ability to control the power state of a server, or send commands.',
    keys: {
      console: { description: 'Allows a user to send commands to the server instance via the console.' },
      start: { description: 'Allows a user to start the server if it is stopped.' },
      stop: { description: 'Allows a user to stop a server if it is running (and to kill it).' },
      restart: { description: 'Allows a user to perform a server restart.' },
    },
  },
  user: {
    description: 'Permissions that allow a user to manage other subusers on a server. They will never be able to edit their own account, or assign permissions they do not have themselves.',
    keys: {
      create: { description: 'Allows a user to create new subusers for the server.' },
      read: { description: 'Allows the user to view subusers and their permissions for the server.' },
      update: { description: 'Allows a user to modify other subusers.' },
      delete: { description: 'Allows a user to delete a subuser from the server.' },
    },
  },
  file: {
    description: 'Permissions that control a user\'s ability to modify the filesystem for this server.',
    keys: {
      create: { description: 'Allows a user to create additional files and folders via the panel or direct upload.' },
      read: { description: 'Allows a user to view the contents of a directory, but not view the contents of or download files.' },
      'read-content': { description: 'Allows a user to view the contents of a given file. This will also allow the user to download files.' },
      update: { description: 'Allows a user to update the contents of an existing file or directory.' },
      delete: { description: 'Allows a user to delete files or directories (they are moved to the trash).' },
      archive: { description: 'Allows a user to archive the contents of a directory as well as decompress existing archives on the system.' },
      sftp: { description: 'Allows a user to connect to SFTP and manage server files using the other assigned file permissions.' },
      'trash-read': { description: 'Allows a user to view the files that have been moved to the trash.' },
      'trash-empty': { description: 'Allows a user to permanently delete everything in the trash.' },
    },
  },
  backup: {
    description: 'Permissions that control a user\'s ability to generate and manage server backups.',
    keys: {
      create: { description: 'Allows a user to create new backups for this server.' },
      read: { description: 'Allows a user to view all backups that exist for this server.' },
      delete: { description: 'Allows a user to remove backups from the system.' },
      download: { description: 'Allows a user to download a backup for the server. A download exposes every file in the backup.', sensitive: true },
      restore: { description: 'Allows a user to restore a backup for the server. A restore can overwrite the current server files.', sensitive: true },
      schedule: { description: 'Allows a user to configure the automated backup schedule.' },
    },
  },
  allocation: {
    description: 'Permissions that control a user\'s ability to modify the port allocations for this server. The primary allocation is always visible.',
    keys: {
      read: { description: 'Allows a user to view all allocations currently assigned to this server.' },
      create: { description: 'Allows a user to assign additional allocations to the server.' },
      update: { description: 'Allows a user to change the primary server allocation and attach notes to each allocation.' },
      delete: { description: 'Allows a user to delete an allocation from the server.' },
    },
  },
  startup: {
    description: 'Permissions that control a user\'s ability to view this server\'s startup parameters.',
    keys: {
      read: { description: 'Allows a user to view the startup variables for a server.' },
      update: { description: 'Allows a user to modify the startup variables for the server.' },
      command: { description: 'Allows a user to change the startup command of the server.' },
      'docker-image': { description: 'Allows a user to modify the Docker image used when running the server.' },
      software: { description: 'Allows a user to change the game or software the server runs.' },
    },
  },
  database: {
    description: 'Permissions that control a user\'s access to the database management for this server.',
    keys: {
      create: { description: 'Allows a user to create a new database for this server.' },
      read: { description: 'Allows a user to view the database associated with this server.' },
      update: { description: 'Allows a user to rotate the password on a database instance. Without view_password the new password stays hidden.' },
      delete: { description: 'Allows a user to remove a database instance from this server.' },
      view_password: { description: 'Allows a user to view the password associated with a database instance for this server.', sensitive: true },
    },
  },
  schedule: {
    description: 'Permissions that control a user\'s access to the schedule management for this server. A task runs with the permissions of the user who last saved it.',
    keys: {
      create: { description: 'Allows a user to create new schedules for this server.' },
      read: { description: 'Allows a user to view schedules and the tasks associated with them for this server.' },
      update: { description: 'Allows a user to update schedules and schedule tasks for this server.' },
      delete: { description: 'Allows a user to delete schedules for this server.' },
    },
  },
  settings: {
    description: 'Permissions that control a user\'s access to the settings for this server.',
    keys: {
      rename: { description: 'Allows a user to rename this server and change its description.' },
      reinstall: { description: 'Allows a user to trigger a reinstall of this server.', sensitive: true },
    },
  },
  activity: {
    description: 'Permissions that control a user\'s access to the server activity logs.',
    keys: { read: { description: 'Allows a user to view the activity logs for the server.' } },
  },
  proxy: {
    description: 'Permissions that control a user\'s access to proxy routes exposing server ports over HTTP(S).',
    keys: {
      read: { description: 'Allows a user to view the proxy routes of this server.' },
      create: { description: 'Allows a user to create new proxy routes.' },
      update: { description: 'Allows a user to edit proxy routes.' },
      delete: { description: 'Allows a user to delete proxy routes.' },
    },
  },
  network: {
    description: 'Permissions that control a user\'s access to private networks.',
    keys: { read: { description: 'Allows a user to view this server\'s private network memberships.' } },
  },
  migration: {
    description: 'Permissions that control moving a server in from an external host.',
    keys: {
      read: { description: 'Allows a user to view migration history and status.' },
      create: { description: 'Allows a user to start a migration into this server.' },
    },
  },
  health: {
    description: 'Permissions that control a user\'s access to automated health checks.',
    keys: { read: { description: 'Allows a user to view health checks and recommendations for this server.' } },
  },
} as const satisfies Record<string, CategoryDef>;

type Catalogue = typeof CATALOGUE;
export type Category = keyof Catalogue;
export type Permission = { [C in Category]: `${C}.${Extract<keyof Catalogue[C]['keys'], string>}` }[Category];
/** What a holder may carry: exact keys plus the wildcards `*` and `category.*`. */
export type Grant = Permission | '*' | `${Category}.*`;

export interface PermissionInfo {
  readonly key: Permission;
  readonly category: Category;
  readonly description: string;
  readonly sensitive: boolean;
}

export const CATEGORIES = Object.keys(CATALOGUE) as Category[];

export const PERMISSIONS: readonly PermissionInfo[] = CATEGORIES.flatMap((category) =>
  Object.entries(CATALOGUE[category].keys as Record<string, KeyDef>).map(([name, def]) => ({
    key: `${category}.${name}` as Permission,
    category,
    description: def.description,
    sensitive: def.sensitive === true,
  })),
);

export const PERMISSION_KEYS: readonly Permission[] = PERMISSIONS.map((p) => p.key);
const KNOWN = new Set<string>(PERMISSION_KEYS);

/** Granted to every subuser server-side; hidden in the grid and left out of the count. */
export const ALWAYS_GRANTED: Permission = 'websocket.connect';

export function isPermission(value: string): value is Permission {
  return KNOWN.has(value);
}

export function describe(key: Permission): PermissionInfo {
  const info = PERMISSIONS.find((p) => p.key === key);
  if (!info) throw new Error(`unknown permission ${key}`);
  return info;
}

/**
 * The only matcher. `held` may contain exact keys, `*` (every key, including keys added later) and `category.*`.
 * Pass a compiled set (see `compile`) on hot paths: a check is then one Set probe.
 */
export function hasPermission(held: Iterable<string> | CompiledPermissions, key: Permission): boolean {
  // A branded property, not `instanceof`: on Node 20 the instanceof of a module-level class is not folded and cost
  // about 13 ns per call, twice the check itself (docs/performance.md).
  return ((held as CompiledPermissions)[COMPILED] === true ? held as CompiledPermissions : compile(held as Iterable<string>)).has(key);
}

const COMPILED: unique symbol = Symbol('CompiledPermissions');

/**
 * A grant list resolved against the catalogue once: wildcards are expanded to the concrete keys they cover, so a
 * check never parses strings. `*` covers every key this build knows (keys added later arrive with their build).
 */
export class CompiledPermissions {
  readonly [COMPILED] = true;
  readonly all: boolean;
  private readonly allowed: ReadonlySet<string>;

  constructor(held: Iterable<string>) {
    const grants = new Set(held);
    this.all = grants.has('*');
    this.allowed = new Set(PERMISSION_KEYS.filter((k) =>
      this.all || grants.has(k) || grants.has(`${k.slice(0, k.indexOf('.'))}.*`)));
  }

  has(key: Permission): boolean {
    return this.allowed.has(key);
  }

  /** The explicit keys this set covers, in catalogue order. */
  expand(): Permission[] {
    return PERMISSION_KEYS.filter((k) => this.allowed.has(k));
  }
}

export function compile(held: Iterable<string>): CompiledPermissions {
  return new CompiledPermissions(held);
}

/** Pterodactyl's `system_permissions` shape for `GET /api/client/permissions`. */
export function systemPermissions() {
  const permissions: Record<string, { description: string; keys: Record<string, string>; sensitive: string[] }> = {};
  for (const category of CATEGORIES) {
    const def = CATALOGUE[category];
    const keys: Record<string, string> = {};
    const sensitive: string[] = [];
    for (const [name, k] of Object.entries(def.keys as Record<string, KeyDef>)) {
      keys[name] = k.description;
      if (k.sensitive) sensitive.push(name);
    }
    permissions[category] = { description: def.description, keys, sensitive };
  }
  return { object: 'system_permissions' as const, attributes: { permissions } };
}

/** A category a host panel adds to the catalogue (DESIGN §23), as Pelican plugins register theirs. */
export interface HostCategory {
  readonly description: string;
  readonly keys: Readonly<Record<string, { readonly description: string; readonly sensitive?: boolean }>>;
}

const CATEGORY_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const KEY_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const changeListeners: Array<() => void> = [];

/** Called after a host category is registered, so derived tables (presets, the grid) take it in. */
export function onCatalogueChange(listener: () => void): void {
  changeListeners.push(listener);
}

/**
 * Adds a host's category to the catalogue for this process: the catalogue API, the grid, the route guard, the
 * matrix and `*` then know its keys like built-in ones. Registering the same definition again is a no-op (two
 * panels in one process); a different one under a taken name throws, and so does a built-in name.
 */
export function registerPermissionCategory(name: string, def: HostCategory): void {
  if (!CATEGORY_NAME.test(name)) throw new Error(`registerPermissionCategory: "${name}" must match ${CATEGORY_NAME}`);
  const names = Object.keys(def.keys);
  if (names.length === 0) throw new Error(`registerPermissionCategory: "${name}" has no keys`);
  const bad = names.filter((k) => !KEY_NAME.test(k));
  if (bad.length) throw new Error(`registerPermissionCategory: key names ${bad.join(', ')} must match ${KEY_NAME}`);
  const catalogue = CATALOGUE as unknown as Record<string, CategoryDef>;
  const keys: Record<string, KeyDef> = Object.fromEntries(names.map((k) => [k, def.keys[k]!.sensitive
    ? { description: def.keys[k]!.description, sensitive: true as const } : { description: def.keys[k]!.description }]));
  const existing = catalogue[name];
  if (existing) {
    if (JSON.stringify({ d: existing.description, keys: existing.keys }) === JSON.stringify({ d: def.description, keys })) return;
    throw new Error(`registerPermissionCategory: the category "${name}" already exists`);
  }
  catalogue[name] = { description: def.description, keys };
  (CATEGORIES as string[]).push(name);
  for (const [key, k] of Object.entries(keys)) {
    const full = `${name}.${key}` as Permission;
    (PERMISSIONS as PermissionInfo[]).push({ key: full, category: name as Category, description: k.description, sensitive: k.sensitive === true });
    (PERMISSION_KEYS as Permission[]).push(full);
    KNOWN.add(full);
  }
  for (const listener of changeListeners) listener();
}

/** The `GET /api/client/permissions` body (Pterodactyl's `system_permissions`). */
export type SystemPermissions = ReturnType<typeof systemPermissions>;

/**
 * Registers the categories a server's catalogue API lists and this build does not know (a host's, DESIGN §23), so a
 * client (the SPA, the grid component) shows them exactly as the server guards them. Returns the names it added.
 */
export function adoptCatalogue(body: SystemPermissions): string[] {
  const added: string[] = [];
  for (const [name, def] of Object.entries(body.attributes.permissions)) {
    if (Object.hasOwn(CATALOGUE, name)) continue;
    const sensitive = new Set(def.sensitive);
    registerPermissionCategory(name, {
      description: def.description,
      keys: Object.fromEntries(Object.entries(def.keys).map(([k, description]) => [k, { description, ...(sensitive.has(k) ? { sensitive: true } : {}) }])),
    });
    added.push(name);
  }
  return added;
}
