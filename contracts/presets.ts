import { ALWAYS_GRANTED, PERMISSION_KEYS, type Permission } from './permissions';

/** Grid shortcuts (DESIGN §3). The UI applies them only within what the granter holds. */
export type PresetName = 'viewer' | 'moderator' | 'operator' | 'co-owner';

const assignable = PERMISSION_KEYS.filter((k) => k !== ALWAYS_GRANTED);

const viewer = assignable.filter((k) => (k.endsWith('.read') && k !== 'user.read') || k === 'file.read-content');
const moderator = assignable.filter((k) => k.startsWith('control.') || k === 'activity.read');
const operatorExcluded = new Set<Permission>(['file.trash-empty', 'settings.reinstall', 'backup.restore']);
const operator = assignable.filter(
  (k) => !k.startsWith('user.') && !k.endsWith('.delete') && !operatorExcluded.has(k),
);

export const PRESETS: Readonly<Record<PresetName, { label: string; keys: readonly Permission[] }>> = {
  viewer: { label: 'Viewer', keys: viewer },
  moderator: { label: 'Moderator', keys: moderator },
  operator: { label: 'Operator', keys: operator },
  'co-owner': { label: 'Co-owner', keys: assignable },
};

/** Every key a grid can show as a toggle (everything but the always-granted websocket key). */
export const ASSIGNABLE_KEYS: readonly Permission[] = assignable;
