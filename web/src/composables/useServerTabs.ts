import { computed } from 'vue';
import { useCan } from './useCan';
import { useServerStore } from '@web/stores/useServerStore';

export interface ServerTab {
  readonly name: string;
  readonly label: string;
  /** Route names that belong to the tab (for its active state). */
  readonly routes: readonly string[];
}

/** The server page tabs the signed-in user may open, in display order. */
export function useServerTabs() {
  const can = useCan();
  const store = useServerStore();
  return computed<ServerTab[]>(() => {
    const tabs: ServerTab[] = [];
    if (can('control.console') || can('websocket.connect')) tabs.push({ name: 'console', label: 'Console', routes: ['console'] });
    if (can('file.read')) tabs.push({ name: 'files', label: 'Files', routes: ['files', 'file-edit'] });
    if (can('user.read')) tabs.push({ name: 'users', label: 'Users', routes: ['users', 'user-new', 'user-edit'] });
    if (can('schedule.read')) tabs.push({ name: 'schedules', label: 'Schedules', routes: ['schedules'] });
    if (can('backup.read')) tabs.push({ name: 'backups', label: 'Backups', routes: ['backups'] });
    if (can('database.read')) tabs.push({ name: 'databases', label: 'Databases', routes: ['databases'] });
    if (can('activity.read')) tabs.push({ name: 'activity', label: 'Activity', routes: ['activity'] });
    if (can('startup.read')) tabs.push({ name: 'startup', label: 'Startup', routes: ['startup'] });
    if (store.isOwner || can('settings.rename') || can('settings.reinstall')) tabs.push({ name: 'settings', label: 'Settings', routes: ['settings'] });
    if (can('allocation.read') || can('proxy.read') || can('network.read')) tabs.push({ name: 'network', label: 'Network', routes: ['network'] });
    if (can('migration.read')) tabs.push({ name: 'migrate', label: 'Migrate', routes: ['migrate'] });
    if (can('health.read')) tabs.push({ name: 'health', label: 'Health', routes: ['health'] });
    return tabs;
  });
}
