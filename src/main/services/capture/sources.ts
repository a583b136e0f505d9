import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { AddedSourceSchema, sameSource, type AddedSource, type AddSourceRequest, type CaptureSource } from '@shared/ipc/capture';
import { JsonFile, type ValueStore } from '../settings/json-file';
import { parseSourceInput, sourceLabel, type ProbeResult } from './probe';

export const AddedSourcesFileSchema = z.strictObject({ version: z.literal(1), sources: z.array(AddedSourceSchema).max(100) });
export type AddedSourcesFile = z.infer<typeof AddedSourcesFileSchema>;

export function addedSourcesFile(dataDir: string): JsonFile<AddedSourcesFile> {
  return new JsonFile(join(dataDir, 'capture-sources.json'), AddedSourcesFileSchema);
}

export interface AddedSourcesDeps {
  store: ValueStore<AddedSourcesFile>;
  /** Opens the source with FFmpeg to learn what it holds; throws FFmpeg's reason when it cannot. */
  probe: (source: CaptureSource) => Promise<ProbeResult>;
}

/** The sources added with "Add a source…", remembered across restarts and listed with the devices. */
export class AddedSources {
  private sources: AddedSource[] = [];
  private readonly listeners = new Set<(sources: AddedSource[]) => void>();

  constructor(private readonly deps: AddedSourcesDeps) {}

  async load(): Promise<AddedSource[]> {
    this.sources = (await this.deps.store.read())?.sources ?? [];
    this.changed();
    return this.list();
  }

  list(): AddedSource[] {
    return [...this.sources];
  }

  onChange(listener: (sources: AddedSource[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Asks FFmpeg what the source holds and keeps it (adding the same source again updates it). The request is well-formed (the channel validated it). */
  async add(request: AddSourceRequest): Promise<AddedSource> {
    const source: CaptureSource = 'test' in request ? { kind: 'test', tone: request.tone ?? 440 } : parseSourceInput(request.input);
    const media = await this.deps.probe(source);
    const existing = this.sources.find((s) => sameSource(s.source, source));
    const added: AddedSource = { id: existing?.id ?? randomUUID().slice(0, 13), label: sourceLabel(source), source, media };
    this.sources = existing ? this.sources.map((s) => (s === existing ? added : s)) : [...this.sources, added];
    await this.save();
    return added;
  }

  async remove(id: string): Promise<AddedSource[]> {
    this.sources = this.sources.filter((s) => s.id !== id);
    await this.save();
    return this.list();
  }

  private async save(): Promise<void> {
    this.changed();
    await this.deps.store.write({ version: 1, sources: this.sources });
  }

  private changed(): void {
    for (const listener of this.listeners) listener(this.list());
  }
}
