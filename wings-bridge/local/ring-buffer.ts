/** The last `capacity` console lines of a server, oldest first. */
export class RingBuffer {
  private readonly items: string[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  push(line: string): void {
    if (this.items.length < this.capacity) this.items.push(line);
    else {
      this.items[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  last(n: number): string[] {
    const ordered = [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
    return n >= ordered.length ? ordered : ordered.slice(ordered.length - n);
  }
}
