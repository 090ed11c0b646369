/** The client-API shapes the UI reads (DESIGN §5, Pterodactyl transformers). */
export interface Item<T, O extends string = string> {
  object: O;
  attributes: T;
}
export interface List<T> {
  object: 'list';
  data: T[];
  meta?: { pagination?: Pagination };
}
export interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}

export interface Account {
  id: number;
  uuid: string;
  username: string;
  email: string;
  root_admin: boolean;
  '2fa_enabled': boolean;
  /** Passkeys on the account, and an admin's 2FA enforcement (DESIGN §22). */
  passkeys?: number;
  two_factor_required?: boolean;
  two_factor_enrolment_required?: boolean;
}

export interface ServerSummary {
  identifier: string;
  uuid: string;
  name: string;
  description: string;
  server_owner: boolean;
  is_suspended: boolean;
  /** The owner requires 2FA of this server's subusers. */
  require_2fa?: boolean;
}

export interface ServerView extends Item<ServerSummary, 'server'> {
  meta: { is_server_owner: boolean; user_permissions: string[] };
}

export interface Subuser {
  uuid: string;
  username: string;
  email: string;
  image: string;
  '2fa_enabled': boolean;
  created_at: string;
  permissions: string[];
  status: 'active' | 'invited';
  invite_expires_at: string | null;
  /** DESIGN §20: the linked role (null = explicit keys), its per-server overrides and the path scope. */
  role?: { id: string; name: string; builtin: boolean } | null;
  overrides?: { add: string[]; remove: string[] } | null;
  file_scope?: { paths: string[] } | null;
}

export interface Invite {
  email: string;
  server: { name: string; identifier: string };
  expires_at: string;
}

export interface FileObject {
  name: string;
  mode: string;
  size: number;
  is_file: boolean;
  is_symlink: boolean;
  mimetype: string;
  created_at: string;
  modified_at: string;
}

export interface ActivityEntry {
  id: string | number;
  event: string;
  ip: string | null;
  description: string | null;
  properties: Record<string, unknown>;
  timestamp: string;
  relationships?: { actor?: Item<{ username: string; email?: string; uuid?: string }> | null };
}

export interface ApiKey {
  identifier: string;
  description: string;
  allowed_ips: string[];
  last_used_at: string | null;
  created_at: string;
}

export interface SshKey {
  name: string;
  fingerprint: string;
  public_key: string;
  created_at: string;
}

export interface Resources {
  current_state: string;
  is_suspended: boolean;
  resources: { memory_bytes: number; cpu_absolute: number; disk_bytes: number; uptime: number; network_rx_bytes?: number; network_tx_bytes?: number };
}
