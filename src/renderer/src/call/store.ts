/** What others see of a Store: they read it and follow it; only its owner changes it. */
export interface ReadonlyStore<T> {
  readonly get: () => T;
  readonly subscribe: (subscriber: () => void) => () => void;
}

/**
 * An observable value with immutable snapshots: the shape React's useSyncExternalStore wants,
 * usable without React.
 */
export class Store<T> implements ReadonlyStore<T> {
  private readonly subscribers = new Set<() => void>();

  constructor(private value: T) {}

  readonly get = (): T => this.value;

  readonly subscribe = (subscriber: () => void): (() => void) => {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  };

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    for (const subscriber of [...this.subscribers]) subscriber();
  }

  update(change: (current: T) => T): void {
    this.set(change(this.value));
  }
}
