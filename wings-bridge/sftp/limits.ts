import type { SFTPWrapper } from 'ssh2';

/**
 * The `limits@openssh.com` extension (OpenSSH's PROTOCOL, §4.8), which ssh2's SFTP server does not offer: its VERSION
 * packet is a fixed one without extensions. Without it clients assume ~32 KiB requests; ssh2's client then splits
 * every 32 KiB write in two (31,952 + 816 bytes), the second only once the first is answered, and an upload makes
 * twice the requests with half of them waiting (docs/performance.md). OpenSSH's own sftp-server offers it.
 *
 * The largest packet ssh2's parser accepts is 256 KiB; READ and WRITE data stay 1 KiB under it, as OpenSSH does.
 */
export const MAX_PACKET_BYTES = 256 * 1024;
export const MAX_IO_BYTES = MAX_PACKET_BYTES - 1024;

const FXP_INIT = 1;
const FXP_VERSION = 2;
const FXP_EXTENDED_REPLY = 201;
export const LIMITS_EXTENSION = 'limits@openssh.com';

/** The parts of ssh2's SFTP object this needs; absent (another ssh2 version), nothing is changed. */
interface Ssh2SftpInternals {
  push(data: Buffer | null): boolean | undefined;
  _waitChanDrain?: boolean;
  incoming: { window: number };
  emit(event: string, ...args: unknown[]): boolean;
  _version: number;
  _extensions: Record<string, string>;
  outgoing: { id: number; window: number; packetSize: number; state: string };
  _protocol: { channelData(id: number, data: Buffer): void; channelWindowAdjust(id: number, amount: number): void };
}

function internals(sftp: SFTPWrapper): Ssh2SftpInternals | null {
  const raw = sftp as unknown as Partial<Ssh2SftpInternals>;
  return typeof raw.push === 'function' && typeof raw._version === 'number' && typeof raw.outgoing?.window === 'number'
    && typeof raw.incoming?.window === 'number' && typeof raw._protocol?.channelData === 'function'
    && typeof (raw._protocol as { channelWindowAdjust?: unknown }).channelWindowAdjust === 'function' ? raw as Ssh2SftpInternals : null;
}

/** Writes one SFTP packet on the channel, if the peer's window has room (ssh2's own writer checks the same). */
function send(raw: Ssh2SftpInternals, packet: Buffer): boolean {
  if (raw.outgoing.state !== 'open' || raw.outgoing.window < packet.length) return false;
  raw.outgoing.window -= packet.length;
  raw._protocol.channelData(raw.outgoing.id, packet);
  return true;
}

function sshString(s: string): Buffer {
  const b = Buffer.alloc(4 + Buffer.byteLength(s));
  b.writeUInt32BE(b.length - 4, 0);
  b.write(s, 4);
  return b;
}

function packet(type: number, body: Buffer[]): Buffer {
  const payload = Buffer.concat([Buffer.from([type]), ...body]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length, 0);
  return Buffer.concat([length, payload]);
}

/**
 * Answers the client's INIT with a VERSION that lists `limits@openssh.com`, in place of ssh2's. The INIT is read
 * from the channel's first bytes (gathered if they arrive split); everything after it goes to ssh2 as before.
 * Returns false when ssh2's internals are not the ones expected, and then leaves the channel to ssh2 alone.
 */
export function offerLimits(sftp: SFTPWrapper): boolean {
  const raw = internals(sftp);
  if (!raw || raw._version !== -1) return false; // not ssh2's expected shape, or INIT already answered
  const push = raw.push.bind(raw);
  let head: Buffer = Buffer.alloc(0);
  raw.push = (data: Buffer | null) => {
    if (data === null || raw._version !== -1) return push(data);
    head = head.length ? Buffer.concat([head, data]) : data;
    if (head.length < 5) return undefined;
    const length = head.readUInt32BE(0);
    if (head[4] !== FXP_INIT || length < 5 || length > 1024) { raw.push = push; return push(head); } // ssh2 refuses it
    if (head.length < 4 + length) return undefined;
    const all = head;
    head = Buffer.alloc(0);
    raw.push = push;
    const version = packet(FXP_VERSION, [Buffer.from([0, 0, 0, 3]), sshString(LIMITS_EXTENSION), sshString('1')]);
    if (!send(raw, version)) return push(all); // no room: ssh2 answers, without the offer
    raw._version = 3;
    raw._extensions = {};
    raw.emit('ready');
    const rest = all.subarray(4 + length);
    return rest.length ? push(rest) : undefined;
  };
  return true;
}

/** DATA header: uint32 length, byte type, uint32 request id, uint32 data length. */
const DATA_HEADER_BYTES = 13;
/** The largest READ whose DATA answer fits one packet of the channel (32 KiB for ssh2's and OpenSSH's clients). */
function readLength(raw: Ssh2SftpInternals): number {
  const packet = raw.outgoing.packetSize;
  return Number.isInteger(packet) && packet > DATA_HEADER_BYTES ? Math.min(MAX_IO_BYTES, packet - DATA_HEADER_BYTES) : MAX_IO_BYTES;
}

/** The EXTENDED_REPLY to a `limits@openssh.com` request; false if the channel had no room for it. */
export function replyLimits(sftp: SFTPWrapper, requestId: number): boolean {
  const raw = internals(sftp);
  if (!raw) return false;
  const body = Buffer.alloc(4 + 8 * 4);
  body.writeUInt32BE(requestId >>> 0, 0);
  body.writeBigUInt64BE(BigInt(MAX_PACKET_BYTES), 4);
  body.writeBigUInt64BE(BigInt(readLength(raw)), 12);
  body.writeBigUInt64BE(BigInt(MAX_IO_BYTES), 20); // write length
  body.writeBigUInt64BE(0n, 28); // open handles: no limit of ours
  return send(raw, packet(FXP_EXTENDED_REPLY, [body]));
}

/** ssh2's receive window per channel (lib/Channel.js MAX_WINDOW): what a client may send before an adjust. */
const RECEIVE_WINDOW_BYTES = 2 * 1024 * 1024;

/**
 * Back-pressure on uploads (issue 23). ssh2 tops the channel's receive window up as soon as data arrives, not once
 * it has been handled, so a client that sends WRITEs without waiting for answers could make the server hold any
 * amount. This holds the window shut while `overLimit()` says too many bytes wait to be written: ssh2 sees the
 * channel as not drained and stops adjusting, so the client can send at most what is left of one window. `release`
 * reopens it once the backlog is under the limit. Installed before `offerLimits`, which wraps `push` in turn.
 * Returns null (no back-pressure) when ssh2's internals are not the ones expected.
 */
export function gateReceiveWindow(sftp: SFTPWrapper, overLimit: () => boolean): { release(): void } | null {
  const raw = internals(sftp);
  if (!raw) return null;
  const push = raw.push.bind(raw);
  raw.push = (data: Buffer | null) => {
    const result = push(data);
    if (data === null || !overLimit()) return result;
    raw._waitChanDrain = true;
    return false;
  };
  return {
    release() {
      if (!raw._waitChanDrain || overLimit()) return;
      raw._waitChanDrain = false;
      if (raw.outgoing.state === 'closed') return;
      const amount = RECEIVE_WINDOW_BYTES - raw.incoming.window;
      if (amount < RECEIVE_WINDOW_BYTES / 2) return;
      raw.incoming.window += amount;
      raw._protocol.channelWindowAdjust(raw.outgoing.id, amount);
    },
  };
}
