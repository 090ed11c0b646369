/**
 * A Map that holds at most `max` entries: setting a key makes it the newest, and past the bound the oldest goes
 * first. For in-process caches whose misses are merely slower (compiled grant sets, verified cookie values, cached
 * sessions, allocation-scope hints).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value as K);
    return this;
  }
}
