/**
 * Runs tasks one after another, in the order they were given: a task starts once the one before it
 * settled, whether it succeeded or failed; each caller gets its own task's result or error.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Settles once everything given so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
