import { ALWAYS_GRANTED, onCatalogueChange, PERMISSION_KEYS, type Permission } from './permissions';

/** Grid shortcuts (DESIGN §3). The UI applies them only within what the granter holds. */
export type PresetName = 'viewer' | 'moderator' | 'operator' | 'co-owner';

const operatorExcluded = new Set<Permission>(['file.trash-empty', 'settings.reinstall', 'backup.restore']);
const assignable: Permission[] = [];
const viewer: Permission[] = [];
const moderator: Permission[] = [];
const operator: Permission[] = [];

/** Fills the tables from the catalogue; again whenever a host registers a category (its keys follow the same rules). */
function build(): void {
  const fill = (into: Permission[], keys: readonly Permission[]) => { into.splice(0, into.length, ...keys); };
  fill(assignable, PERMISSION_KEYS.filter((k) => k !== ALWAYS_GRANTED));
  fill(viewer, assignable.filter((k) => (k.endsWith('.read') && k !== 'user.read') || k === 'file.read-content'));
  fill(moderator, assignable.filter((k) => k.startsWith('control.') || k === 'activity.read'));
  fill(operator, assignable.filter((k) => !k.startsWith('user.') && !k.endsWith('.delete') && !operatorExcluded.has(k)));
}
build();
onCatalogueChange(build);

export const PRESETS: Readonly<Record<PresetName, { label: string; keys: readonly Permission[] }>> = {
  viewer: { label: 'Viewer', keys: viewer },
  moderator: { label: 'Moderator', keys: moderator },
  operator: { label: 'Operator', keys: operator },
  'co-owner': { label: 'Co-owner', keys: assignable },
};

/** Every key a grid can show as a toggle (everything but the always-granted websocket key). */
export const ASSIGNABLE_KEYS: readonly Permission[] = assignable;
