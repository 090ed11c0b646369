import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  readonly to: string[];
  readonly raw: string;
}

/** The raw message with quoted-printable soft breaks and escapes undone (enough to read tokens out of it). */
export const decoded = (m: Received) =>
  m.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * A real SMTP server for the mass-mail tests. `holdAfter(n)` makes it keep the (n+1)-th message's DATA answer until
 * `release()` is called, so a test can stop a panel while a message is in flight.
 */
export class TestSmtp {
  readonly inbox: Received[] = [];
  private readonly waiters: Array<() => void> = [];
  private holdAt: number | null = null;
  private held: (() => void) | null = null;
  private heldNotice: (() => void) | null = null;
  private readonly server = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    // Addresses starting with `bounce-` are refused at RCPT TO, as a mailbox that does not exist.
    onRcptTo: (address, _session, callback) => {
      if (address.address.startsWith('bounce-')) callback(Object.assign(new Error('550 5.1.1 mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const accept = () => {
          this.inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          this.waiters.splice(0).forEach((w) => w());
          callback();
        };
        if (this.holdAt !== null && this.inbox.length === this.holdAt && !this.held) {
          this.held = accept;
          this.heldNotice?.();
        } else accept();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(resolve));
  }

  /** Waits until at least `n` messages arrived (the test timeout is the safety net). */
  async received(n: number): Promise<Received[]> {
    while (this.inbox.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.inbox;
  }

  /** Holds the message after the first `n`; resolves when it is being held. */
  holdAfter(n: number): Promise<void> {
    this.holdAt = n;
    return new Promise<void>((resolve) => { this.heldNotice = resolve; });
  }

  release(): void {
    this.holdAt = null;
    const accept = this.held;
    this.held = null;
    accept?.();
  }

  /** How many messages each address received. */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.inbox) for (const to of m.to) out.set(to, (out.get(to) ?? 0) + 1);
    return out;
  }
}
