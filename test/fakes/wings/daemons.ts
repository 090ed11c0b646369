/**
 * The two daemons every daemon-level suite runs against (STYLE 16): the LocalDaemon on this host, and a WingsDaemon
 * driving a fake Wings node. `newServer` makes a server the daemon can run (for Wings: one the node knows).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Daemon, DaemonServer } from '@bridge/daemon';
import { localFilesystemFor } from '@bridge/files/local-filesystem';
import { LocalDaemon } from '@bridge/local/local-daemon';
import { WingsDaemon, type WingsDaemonOptions } from '@bridge/wings/wings-daemon';
import { FakeWings, type FakeWingsOptions } from './fake-wings';

export interface DaemonFixture {
  readonly daemon: Daemon;
  newServer(): Promise<DaemonServer>;
  close(): Promise<void>;
}

const LIMITS = { maxReadBytes: 1024 * 1024, maxUploadBytes: 8 * 1024 * 1024, maxExtractBytes: 64 * 1024 * 1024 };
export const PANEL_ORIGIN = 'http://panel.test';
export const NODE_TOKEN = 'fake-node-token-0123456789abcdefghijklmnopqrstuv';

export function localFixture(): DaemonFixture {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-contract-'));
  const daemon = new LocalDaemon({ dataDir, runningAfterMs: 200, stopGraceMs: 300, statsIntervalMs: 100, filesystemFor: (s) => localFilesystemFor(dataDir, s.uuid, LIMITS) });
  return {
    daemon,
    newServer: async () => ({ uuid: randomUUID(), startupCommand: 'node sample-game-server.mjs' }),
    close: async () => { await daemon.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

export interface WingsFixture extends DaemonFixture {
  readonly daemon: WingsDaemon;
  readonly node: FakeWings;
}

export async function wingsFixture(opts: { node?: Partial<FakeWingsOptions>; daemon?: Partial<WingsDaemonOptions> } = {}): Promise<WingsFixture> {
  const node = new FakeWings({ token: NODE_TOKEN, allowedOrigin: PANEL_ORIGIN, ...opts.node });
  await node.start();
  const daemon = new WingsDaemon({ id: 1, name: 'fake-node', url: node.url, token: NODE_TOKEN }, { panelUrl: PANEL_ORIGIN, maxUploadBytes: LIMITS.maxUploadBytes, ...opts.daemon });
  return {
    daemon, node,
    newServer: async () => { const uuid = randomUUID(); node.addServer(uuid); return { uuid, startupCommand: 'ignored by Wings', nodeId: 1 }; },
    close: async () => { await daemon.close(); await node.close(); },
  };
}

export const DAEMONS: readonly { name: string; make: () => Promise<DaemonFixture> | DaemonFixture }[] = [
  { name: 'LocalDaemon', make: localFixture },
  { name: 'WingsDaemon (fake Wings node)', make: () => wingsFixture() },
];

export async function until(test: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  for (let waited = 0; !(await test()); waited += 25) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
