/**
 * The two set-ups every panel-level daemon suite runs against (issue 18, STYLE 16): a panel whose servers run on
 * this host (LocalDaemon), and a panel whose servers live on a fake Wings node registered as a node (WingsDaemon).
 * Suites are written once and parameterised with `describe.each(PANEL_DAEMONS)`. Where Wings behaves differently
 * by protocol (no trash, `.tar.gz` archives only, what its fake game prints), the difference is stated here, in
 * `game` and `can`, and suites branch on those fields — never on copies of a test.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { NodeRow, ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { createNode } from '@server/services/nodes/create-node';
import { FakeWings } from '../fakes/wings/fake-wings';
import { startTestPanel, type TestPanel } from './panel';
import { makeServer } from './records';

/** Without APP_URL a test panel's Origin is http://localhost:0 (PORT is 0): the fake node accepts that Origin. */
const PANEL_ORIGIN = 'http://localhost:0';
const NODE_TOKEN = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';
const NODE_TOKEN_ID = 'FFFFFFFFFFFFFFFF';

export type DaemonKind = 'local' | 'wings';

export interface PanelDaemon {
  readonly kind: DaemonKind;
  readonly panel: TestPanel;
  /** The fake Wings node (null for the LocalDaemon). */
  readonly node: FakeWings | null;
  readonly nodeRow: NodeRow | null;
  /** A server on this daemon, owned by `owner` (for Wings: on the node, which knows it), with an empty root. */
  server(owner: UserRow, overrides?: Partial<ServerRow>): Promise<ServerRow>;
  /** The server's root on disk (this host's directory, or the fake node's volume). */
  root(server: Pick<ServerRow, 'uuid'>): string;
  /** Where a finished backup's archive is on disk. */
  archive(server: Pick<ServerRow, 'uuid'>, backupUuid: string): string;
  /** The game each daemon runs prints differently: the sample server here, Wings' fake game there. */
  readonly game: {
    /** A console line saying the server is up. */
    readonly ready: RegExp;
    /** Matches the console line a `say <text>` command produces. */
    said(text: string): (line: string) => boolean;
    /** The console line `stop` makes the game print, when it prints one. */
    readonly stopped: RegExp | null;
  };
  /** What differs by protocol. */
  readonly can: DaemonCan;
  close(): Promise<void>;
}

export interface DaemonCan {
  /** LocalDaemon keeps a trash; Wings deletes for good (the trash routes answer 400). */
  readonly trash: boolean;
  /** Making archives other than Wings' own `.tar.gz` with a name of its choosing (zip, a given name); both extract zips. */
  readonly zip: boolean;
  /** The sample server can be told to crash by its startup command; Wings' fake game cannot. */
  readonly crash: boolean;
  /**
   * LocalDaemon leaves symlinks out of backups; Wings archives a symlink as a link (never following it), so
   * `inside`, `escape` and `climb` are entries there.
   */
  readonly backupSymlinks: boolean;
  /** LocalDaemon reports a backup's bytes as it writes (`backup progress`); Wings only reports its end. */
  readonly backupProgress: boolean;
  /**
   * The panel itself writes and reads the archives of LocalDaemon backups: its checks of hostile archives on
   * restore, `.part` files and crash recovery are tested there; on Wings those are the node's own business.
   */
  readonly panelArchives: boolean;
}

const LOCAL_CAN: DaemonCan = { trash: true, zip: true, crash: true, backupSymlinks: false, backupProgress: true, panelArchives: true };
const WINGS_CAN: DaemonCan = { trash: false, zip: false, crash: false, backupSymlinks: true, backupProgress: false, panelArchives: false };

export interface PanelDaemonSetup {
  readonly name: string;
  readonly kind: DaemonKind;
  /** The same as the started daemon's `can`, known before it starts (for `it.runIf`). */
  readonly can: DaemonCan;
  start(options?: { env?: Record<string, string> }): Promise<PanelDaemon>;
}

async function local(options: { env?: Record<string, string> } = {}): Promise<PanelDaemon> {
  const panel = await startTestPanel(options.env ? { env: options.env } : {});
  const root = (s: Pick<ServerRow, 'uuid'>) => serverRoot(panel.dataDir, s.uuid);
  return {
    kind: 'local', panel, node: null, nodeRow: null, root,
    server: async (owner, overrides = {}) => {
      const server = await makeServer(panel.app.db, owner, overrides);
      mkdirSync(root(server), { recursive: true });
      return server;
    },
    archive: (s, uuid) => path.join(panel.dataDir, 'backups', s.uuid, `${uuid}.tar.gz`),
    game: { ready: /Done \(.*\)! For help/, said: (text) => (l) => l.endsWith(`[Server] ${text}`), stopped: /Saving worlds/ },
    can: LOCAL_CAN,
    close: () => panel.close(),
  };
}

async function wings(options: { env?: Record<string, string> } = {}): Promise<PanelDaemon> {
  const panel = await startTestPanel(options.env ? { env: options.env } : {});
  // The node reports backup and restore outcomes to the panel's remote API, as Wings does.
  const node = new FakeWings({ token: NODE_TOKEN, allowedOrigin: PANEL_ORIGIN, remote: { url: panel.url, tokenId: NODE_TOKEN_ID } });
  await node.start();
  const { node: nodeRow } = await createNode(panel.app.db, panel.app.secrets.appKey, { name: 'fake-node', url: node.url, tokenId: NODE_TOKEN_ID, token: NODE_TOKEN }, new Date());
  const known = (s: Pick<ServerRow, 'uuid'>) => {
    const held = node.servers.get(s.uuid);
    if (!held) throw new Error(`the fake node does not hold server ${s.uuid}`);
    return held;
  };
  return {
    kind: 'wings', panel, node, nodeRow,
    server: async (owner, overrides = {}) => {
      const server = await makeServer(panel.app.db, owner, { nodeId: nodeRow.id, ...overrides });
      node.addServer(server.uuid);
      return server;
    },
    root: (s) => known(s).volume,
    archive: (s, uuid) => known(s).backupPath(uuid),
    game: { ready: /Fake game server ready/, said: (text) => (l) => l === `> say ${text}`, stopped: null },
    can: WINGS_CAN,
    close: async () => { await panel.close(); await node.close(); },
  };
}

export const PANEL_DAEMONS: readonly PanelDaemonSetup[] = [
  { name: 'LocalDaemon', kind: 'local', can: LOCAL_CAN, start: local },
  { name: 'WingsDaemon (fake Wings node)', kind: 'wings', can: WINGS_CAN, start: wings },
];
