import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A bench helper process (the load's side: socket or SFTP clients) spoken to one line at a time: it prints a first
 * line when ready, then answers each command on stdin with one line.
 */
export class LineChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: string[] = [];
  private waiter: (() => void) | null = null;

  constructor(script: string, options: object, private readonly name: string) {
    this.child = spawn(process.execPath, [...(process.env.BENCH_CHILD_FLAGS ?? '').split(/\s+/).filter(Boolean), script, JSON.stringify(options)]);
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(`${name}: ${d.toString()}`));
    readline.createInterface({ input: this.child.stdout }).on('line', (l) => { this.replies.push(l); this.waiter?.(); });
  }

  async reply(timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.replies.length) {
      if (this.child.exitCode !== null) throw new Error(`the ${this.name} process exited (${this.child.exitCode})`);
      if (Date.now() > deadline) throw new Error(`the ${this.name} process did not answer`);
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, 250); });
    }
    return this.replies.shift() as string;
  }

  async ask(cmd: string, timeoutMs?: number): Promise<string> {
    this.child.stdin.write(`${cmd}\n`);
    return this.reply(timeoutMs);
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.write('close\n');
    await Promise.race([exited, sleep(5_000)]);
    this.child.kill();
  }
}
