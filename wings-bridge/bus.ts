/**
 * The revocation bus (DESIGN §7.6). Every permission change, removal, leave, suspension, password change and
 * ownership transfer publishes `{userUuid, serverUuid | null}` after its transaction commits; `serverUuid: null`
 * means "every server of this user". Subscribers (socket gateway, SFTP server) re-evaluate that user's live access.
 */
export interface Revocation {
  /** The user whose access changed, or EVERYONE after the bus lost messages (every session re-reads its access). */
  readonly userUuid: string;
  readonly serverUuid: string | null;
}

/** `userUuid` of the resync a bus delivers when it may have missed revocations (e.g. after a Redis outage). */
export const EVERYONE = '*';

/** Whether a revocation concerns this user (on this server). */
export function concerns(r: Revocation, userUuid: string, serverUuid: string): boolean {
  return (r.userUuid === EVERYONE || r.userUuid === userUuid) && (r.serverUuid === null || r.serverUuid === serverUuid);
}

export type RevocationListener = (revocation: Revocation) => void | Promise<void>;

export interface RevocationBus {
  publish(revocation: Revocation): Promise<void>;
  subscribe(listener: RevocationListener): () => void;
  close(): Promise<void>;
}

/** The default bus: one process, delivered synchronously to every subscriber before `publish` resolves. */
export class InProcessBus implements RevocationBus {
  private readonly listeners = new Set<RevocationListener>();

  async publish(revocation: Revocation): Promise<void> {
    await Promise.all([...this.listeners].map(async (l) => l(revocation)));
  }

  subscribe(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
