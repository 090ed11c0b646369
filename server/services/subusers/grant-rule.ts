import { ALWAYS_GRANTED, PERMISSION_KEYS, isPermission, type CompiledPermissions, type Permission } from '@contracts/permissions';

/**
 * The grant rule (DESIGN §4), pure so it can be proved by property tests:
 * - create: every requested key must be held by the granter;
 * - update: every key that changes (added or removed) must be held; keys the granter lacks therefore keep their
 *   stored value. `websocket.connect` is always stored and never counts as a change.
 */
export interface Holder {
  has(key: Permission): boolean;
}

const ORDER = new Map<string, number>(PERMISSION_KEYS.map((k, i) => [k, i]));

/** Deduplicated, in catalogue order, always with `websocket.connect`. Unknown keys are dropped (check them first). */
export function normalizeKeys(keys: Iterable<string>): Permission[] {
  const set = new Set<Permission>([ALWAYS_GRANTED]);
  for (const k of keys) if (isPermission(k)) set.add(k);
  return [...set].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0));
}

export function unknownKeys(keys: Iterable<string>): string[] {
  return [...new Set([...keys].filter((k) => !isPermission(k)))];
}

/** Requested keys the granter does not hold (empty: the grant is allowed). */
export function deniedOnCreate(held: Holder | CompiledPermissions, requested: Iterable<string>): Permission[] {
  return normalizeKeys(requested).filter((k) => k !== ALWAYS_GRANTED && !held.has(k));
}

export interface UpdateDecision {
  /** Keys that would change but the granter does not hold: non-empty means refuse. */
  readonly denied: Permission[];
  readonly added: Permission[];
  readonly removed: Permission[];
  /** The list to store when allowed (the old list when refused). */
  readonly result: Permission[];
}

export function decideUpdate(held: Holder | CompiledPermissions, old: Iterable<string>, requested: Iterable<string>): UpdateDecision {
  const before = normalizeKeys(old);
  const after = normalizeKeys(requested);
  const beforeSet = new Set<string>(before);
  const afterSet = new Set<string>(after);
  const added = after.filter((k) => !beforeSet.has(k));
  const removed = before.filter((k) => !afterSet.has(k));
  const denied = normalizeKeys([...added, ...removed]).filter((k) => k !== ALWAYS_GRANTED && !held.has(k));
  return { denied, added, removed, result: denied.length ? before : after };
}
