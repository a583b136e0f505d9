/** A reply from a client process to request `id`. */
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/**
 * The requests made of one client process and not answered yet, by id: each settles once, with
 * its reply, an error, or after its time is up (the benches' worker processes answer over IPC).
 */
export class PendingReplies {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  /** A new request: its id, and its reply (an error, `late()`, if none comes within `timeoutMs`). */
  open<T>(timeoutMs: number, late: () => string): { id: number; reply: Promise<T> } {
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, new Error(late())), timeoutMs);
      this.waiting.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
    return { id, reply };
  }

  settle(reply: Reply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.ok) waiting?.resolve(reply.result);
    else waiting?.reject(new Error(reply.error));
  }

  fail(id: number, error: Error): void {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    waiting?.reject(error);
  }

  /** The process is gone: every request still waiting fails with `error`. */
  failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
