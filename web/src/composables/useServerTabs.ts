import { computed } from 'vue';
import { useCan } from './useCan';
import { useServerStore } from '@web/stores/useServerStore';

export interface ServerTab {
  readonly name: string;
  readonly label: string;
}

/** The server page tabs the signed-in user may open, in display order. */
export function useServerTabs() {
  const can = useCan();
  const store = useServerStore();
  return computed<ServerTab[]>(() => {
    const tabs: ServerTab[] = [];
    if (can('control.console') || can('websocket.connect')) tabs.push({ name: 'console', label: 'Console' });
    if (can('file.read')) tabs.push({ name: 'files', label: 'Files' });
    if (can('user.read')) tabs.push({ name: 'users', label: 'Users' });
    if (can('activity.read')) tabs.push({ name: 'activity', label: 'Activity' });
    if (store.isOwner) tabs.push({ name: 'settings', label: 'Settings' });
    return tabs;
  });
}
