import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

/** Something that keeps one value between runs. */
export interface ValueStore<T> {
  /** The stored value, or null when there is none (or it is unreadable: a bad file never stops the app). */
  read(): Promise<T | null>;
  write(value: T): Promise<void>;
}

/**
 * One JSON file, validated with a zod schema when read. Writes go to a temporary file renamed
 * over the old one (never a half-written file), one at a time, in the order they were asked for.
 */
export class JsonFile<T> implements ValueStore<T> {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = this.schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  write(value: T): Promise<void> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const next = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, this.path);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

/** A store that keeps its value in memory only (tests, or when there is nowhere to write). */
export function memoryStore<T>(initial: T | null = null): ValueStore<T> & { value: T | null } {
  const store = {
    value: initial,
    read: async () => store.value,
    write: async (value: T) => void (store.value = value),
  };
  return store;
}
