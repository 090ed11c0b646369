import { PRESETS, type PresetName } from './presets';
import { ALWAYS_GRANTED, PERMISSION_KEYS, type Permission } from './permissions';

/**
 * Roles (DESIGN §20): the four built-ins are the §3 presets under fixed ids; owner-defined roles have a uuid. A
 * subuser linked to a role holds the role's keys plus its per-server overrides; this is the one place that says how.
 */
export const BUILTIN_ROLE_IDS = ['viewer', 'moderator', 'operator', 'co-owner'] as const satisfies readonly PresetName[];
export type BuiltinRoleId = (typeof BUILTIN_ROLE_IDS)[number];

export function isBuiltinRole(id: string): id is BuiltinRoleId {
  return (BUILTIN_ROLE_IDS as readonly string[]).includes(id);
}

export function builtinRole(id: BuiltinRoleId): { id: BuiltinRoleId; name: string; permissions: readonly Permission[] } {
  return { id, name: PRESETS[id].label, permissions: PRESETS[id].keys };
}

export interface RoleOverrides {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export const NO_OVERRIDES: RoleOverrides = { add: [], remove: [] };

const ORDER = new Map<string, number>(PERMISSION_KEYS.map((k, i) => [k, i]));

/**
 * The keys a role-linked subuser holds: (role ∪ add) − remove, in catalogue order, always with `websocket.connect`
 * (which can never be removed). Unknown keys are dropped: callers validate them first.
 */
export function applyOverrides(roleKeys: Iterable<string>, overrides: RoleOverrides = NO_OVERRIDES): Permission[] {
  const set = new Set<string>(roleKeys);
  for (const k of overrides.add) set.add(k);
  for (const k of overrides.remove) set.delete(k);
  set.add(ALWAYS_GRANTED);
  return [...set].filter((k): k is Permission => ORDER.has(k)).sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0));
}
