import { ALWAYS_GRANTED, CATALOGUE, CATEGORIES, compile, onCatalogueChange, PERMISSIONS, type Category, type Permission, type PermissionInfo } from '@contracts/permissions';
import { ASSIGNABLE_KEYS, PRESETS, type PresetName } from '@contracts/presets';

/**
 * The pure rules of the permission grid (DESIGN §3, seed 004): what a granter may toggle, how bulk selection and
 * presets apply, and which keys need a confirmation. Components only render what these functions decide.
 */
export interface GridCategory {
  readonly name: Category;
  readonly description: string;
  readonly keys: readonly PermissionInfo[];
}

/** One card per category, in catalogue order; the always-granted websocket category is hidden. */
export const GRID_CATEGORIES: readonly GridCategory[] = [];
const SENSITIVE = new Set<Permission>();
const ORDER = new Map<Permission, number>();

/** Fills the tables from the catalogue; again when a host's categories are registered (registerHostCategories). */
function build(): void {
  (GRID_CATEGORIES as GridCategory[]).splice(0, GRID_CATEGORIES.length, ...CATEGORIES.filter((c) => c !== 'websocket').map((name) => ({
    name,
    description: CATALOGUE[name].description,
    keys: PERMISSIONS.filter((p) => p.category === name),
  })));
  SENSITIVE.clear();
  for (const p of PERMISSIONS) if (p.sensitive) SENSITIVE.add(p.key);
  ORDER.clear();
  ASSIGNABLE_KEYS.forEach((k, i) => ORDER.set(k, i));
}
build();
onCatalogueChange(build);

export function isSensitive(key: Permission): boolean {
  return SENSITIVE.has(key);
}

/** The grid keys a granter may change: every key they hold (`*` and `category.*` understood). */
export function assignableBy(granter: Iterable<string>): Set<Permission> {
  const held = compile(granter);
  return new Set(ASSIGNABLE_KEYS.filter((k) => held.has(k)));
}

/** Stored permissions → the grid's explicit keys (wildcards expanded, websocket.connect dropped), catalogue order. */
export function toGridKeys(permissions: Iterable<string>): Permission[] {
  return compile(permissions).expand().filter((k) => k !== ALWAYS_GRANTED);
}

function ordered(keys: Iterable<Permission>): Permission[] {
  return [...new Set(keys)].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0));
}

/**
 * Sets every assignable key among `scope` on or off. Keys the granter lacks keep whatever value they had, so a save
 * never strips (or adds) a permission the granter could not have granted.
 */
export function setKeys(selected: readonly Permission[], scope: readonly Permission[], on: boolean, assignable: ReadonlySet<Permission>): Permission[] {
  const next = new Set(selected);
  for (const key of scope) {
    if (!assignable.has(key)) continue;
    if (on) next.add(key);
    else next.delete(key);
  }
  return ordered(next);
}

/** True when every assignable key of `scope` is on (an empty assignable scope counts as not selected). */
export function allAssignableOn(selected: readonly Permission[], scope: readonly Permission[], assignable: ReadonlySet<Permission>): boolean {
  const mine = scope.filter((k) => assignable.has(k));
  if (mine.length === 0) return false;
  const on = new Set(selected);
  return mine.every((k) => on.has(k));
}

/** A preset decides every assignable key; locked keys keep their value. */
export function applyPreset(selected: readonly Permission[], preset: PresetName, assignable: ReadonlySet<Permission>): Permission[] {
  const want = new Set(PRESETS[preset].keys);
  const next = selected.filter((k) => !assignable.has(k));
  for (const key of assignable) if (want.has(key)) next.push(key);
  return ordered(next);
}

/** Sensitive keys that `after` turns on and `before` did not have: these need a confirmation. */
export function newlySensitive(before: readonly Permission[], after: readonly Permission[]): Permission[] {
  const had = new Set(before);
  return after.filter((k) => SENSITIVE.has(k) && !had.has(k));
}

/** The count shown on a Users row: the explicit keys held, without the always-on websocket connection. */
export function permissionCount(permissions: readonly string[]): number {
  return permissions.filter((k) => k !== ALWAYS_GRANTED).length;
}

export const ALL_GRID_KEYS: readonly Permission[] = ASSIGNABLE_KEYS;
