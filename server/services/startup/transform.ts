import type { SoftwareDefinition, SoftwareVariable } from '@contracts/software';
import type { ServerRow } from '@db/schema/servers';
import { displayedStartup, type LoadedStartup } from './load-startup';

/** Pterodactyl's `egg_variable` item (EggVariableTransformer). */
export function eggVariableItem(v: SoftwareVariable, value: string | undefined) {
  return {
    object: 'egg_variable' as const,
    attributes: {
      name: v.name, description: v.description, env_variable: v.env_variable, default_value: v.default_value,
      server_value: value ?? v.default_value, is_editable: v.user_editable, rules: v.rules,
    },
  };
}

export function softwareSummary(d: SoftwareDefinition) {
  return { id: d.id, name: d.name, description: d.description };
}

/** `GET /startup`: the viewable variables, with the rendered and raw command and the images in meta. */
export function startupList(server: ServerRow, loaded: LoadedStartup, available: readonly SoftwareDefinition[]) {
  return {
    object: 'list' as const,
    data: loaded.definition.variables.filter((v) => v.user_viewable).map((v) => eggVariableItem(v, loaded.environment[v.env_variable])),
    meta: {
      startup_command: displayedStartup(server, loaded),
      raw_startup_command: server.startupCommand,
      docker_images: loaded.definition.docker_images,
      // Cohost's additions: the current image and software, and what the server may switch to.
      docker_image: loaded.image,
      software: softwareSummary(loaded.definition),
      available_software: available.map(softwareSummary),
    },
  };
}
