import { listServerAllocations } from '@db/repositories/network-allocations';
import { serverRunSpec, serverSoftware } from '@db/repositories/server-environment';
import type { Executor } from '@db/client';
import type { ServerRow } from '@db/schema/servers';

/** Our `done` (text, or `/regex/flags`) as Wings' matchers: plain text, or `regex:` + pattern (`(?i)` for /i). */
export function doneMatchers(done: string | undefined): string[] {
  if (!done) return [];
  const m = /^\/(.*)\/([a-z]*)$/.exec(done);
  return [m ? `regex:${m[2]?.includes('i') ? '(?i)' : ''}${m[1]}` : done];
}

/**
 * The configuration document Wings fetches for a server (`GET /api/remote/servers/{uuid}`, DESIGN §19), in
 * Pterodactyl's shape: `settings` (uuid, meta, suspended, environment, invocation, build limits, container image,
 * allocations) and `process_configuration` (startup done matchers, stop) built from the software definition.
 */
export async function serverConfiguration(db: Executor, server: ServerRow) {
  const [spec, software, allocations] = await Promise.all([serverRunSpec(db, server), serverSoftware(db, server), listServerAllocations(db, server.id)]);
  const primary = allocations.find((a) => a.primaryServerId === server.id) ?? allocations[0] ?? null;
  const mappings: Record<string, number[]> = {};
  for (const a of allocations) (mappings[a.ip] ??= []).push(a.port);
  const stop = spec.stop ?? { type: 'command' as const, value: 'stop' };
  return {
    settings: {
      uuid: server.uuid,
      meta: { name: server.name, description: server.description ?? '' },
      suspended: server.suspended,
      environment: {
        ...spec.environment, STARTUP: server.startupCommand, P_SERVER_LOCATION: 'cohost', P_SERVER_UUID: server.uuid,
        P_SERVER_ALLOCATION_LIMIT: server.allocationLimit ?? 0,
      },
      invocation: server.startupCommand,
      skip_egg_scripts: false,
      build: {
        memory_limit: server.memory ?? 0, swap: 0, io_weight: 500, cpu_limit: 0, threads: null,
        disk_space: server.disk ?? 0, oom_disabled: true,
      },
      container: { image: spec.image ?? software?.image ?? '', oom_disabled: true, requires_rebuild: false },
      allocations: {
        force_outgoing_ip: false,
        default: { ip: primary?.ip ?? '0.0.0.0', port: primary?.port ?? 0 },
        mappings,
      },
      mounts: [],
      egg: { id: software?.definition.id ?? 'generic', file_denylist: [] },
    },
    process_configuration: {
      startup: { done: doneMatchers(spec.done), user_interaction: [], strip_ansi: false },
      stop: { type: stop.type, value: stop.value },
      configs: [],
    },
  };
}

/** `GET /api/remote/servers/{uuid}/install`: the install container, entrypoint and script. */
export async function serverInstallScript(db: Executor, server: ServerRow) {
  const software = await serverSoftware(db, server);
  const install = software?.definition.install;
  return {
    container_image: install?.container ?? software?.image ?? 'ghcr.io/pterodactyl/installers:alpine',
    entrypoint: install?.entrypoint ?? 'sh',
    script: install?.script ?? '',
  };
}
