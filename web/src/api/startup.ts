import { api } from './http';
import type { Item, List } from './types';

/** Startup, software and settings (DESIGN §14): Pterodactyl's shapes plus Cohost's meta additions. */
export interface EggVariable {
  name: string;
  description: string;
  env_variable: string;
  default_value: string;
  server_value: string | null;
  is_editable: boolean;
  rules: string;
}
export interface SoftwareSummary { id: string; name: string; description: string }
export interface StartupMeta {
  startup_command: string;
  raw_startup_command: string;
  docker_images: Record<string, string>;
  docker_image: string;
  software: SoftwareSummary;
  available_software: SoftwareSummary[];
}
export type StartupList = List<Item<EggVariable, 'egg_variable'>> & { meta: StartupMeta };

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}`;

export const startupApi = {
  get: (server: string) => api.get<StartupList>(`${base(server)}/startup`),
  setVariable: (server: string, key: string, value: string) =>
    api.put<Item<EggVariable, 'egg_variable'> & { meta: { startup_command: string } }>(`${base(server)}/startup/variable`, { key, value }),
  setCommand: (server: string, startup: string) =>
    api.put<Item<{ startup_command: string; raw_startup_command: string }>>(`${base(server)}/startup/command`, { startup }),
  setImage: (server: string, image: string) => api.put<void>(`${base(server)}/settings/docker-image`, { docker_image: image }),
  switchSoftware: (server: string, software: string, keepFiles: boolean) =>
    api.put<unknown>(`${base(server)}/startup/software`, { software, keep_files: keepFiles }),
  rename: (server: string, name: string, description: string) => api.post<void>(`${base(server)}/settings/rename`, { name, description }),
  reinstall: (server: string) => api.post<unknown>(`${base(server)}/settings/reinstall`),
};
