import { FILE_LIMITS } from '../protocol/index.js';
import type { FileStore, FileUsage } from '../store/store.js';
import { FileTokens } from './tokens.js';

/** What the server allows for files in the chat (SignalingOptions.files; the CLI's --max-file-mb, --meeting-files-mb). */
export interface FileLimits {
  /** The largest file; also each meeting's limit until its host sets a lower one. 0: no files at all. */
  maxFileBytes: number;
  /** What one meeting's files may add up to, and how many there may be. */
  maxBytesPerMeeting: number;
  maxFilesPerMeeting: number;
  /** Uploads at once from one address, and on the whole server. */
  uploadsPerAddress: number;
  uploads: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: FILE_LIMITS.maxFileBytes,
  maxBytesPerMeeting: FILE_LIMITS.maxBytesPerMeeting,
  maxFilesPerMeeting: FILE_LIMITS.maxFilesPerMeeting,
  uploadsPerAddress: 4,
  uploads: 32,
};

interface Reservation {
  instance: string;
  size: number;
  until: number;
}

/**
 * This server's side of files in the chat: the limits, the tokens, and what is under way — space
 * promised to uploads that have not arrived yet (so offers made at the same moment cannot together
 * overshoot a meeting's quota; the store checks it again when a file is appended), uploads in
 * progress (one per file id), and download tokens already used (each works once).
 */
export class FileService {
  readonly tokens: FileTokens;
  private readonly reserved = new Map<string, Reservation>();
  private readonly uploading = new Set<string>();
  private readonly usedDownloads = new Map<string, number>();
  private readonly uploadsByAddress = new Map<string, number>();
  private uploadsNow = 0;
  /** Each meeting's offers, one at a time (the quota is read, then space reserved). */
  private readonly offering = new Map<string, Promise<unknown>>();

  constructor(
    readonly limits: FileLimits,
    readonly store: FileStore,
    private readonly now: () => number,
  ) {
    this.tokens = new FileTokens(() => store.tokenKey());
  }

  /** The meeting's files, counting space promised to uploads not finished yet. */
  async usage(instance: string): Promise<FileUsage> {
    const stored = await this.store.usage(instance);
    const now = this.now();
    for (const [fileId, reservation] of this.reserved) {
      if (reservation.until <= now) this.reserved.delete(fileId);
      else if (reservation.instance === instance) {
        stored.files += 1;
        stored.bytes += reservation.size;
      }
    }
    return stored;
  }

  reserve(fileId: string, instance: string, size: number, until: number): void {
    this.reserved.set(fileId, { instance, size, until });
  }

  /** Runs `work` after the meeting's earlier offers: each sees the space the ones before it reserved. */
  oneAtATime<T>(instance: string, work: () => Promise<T>): Promise<T> {
    const next = (this.offering.get(instance) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    this.offering.set(instance, settled);
    void settled.then(() => {
      if (this.offering.get(instance) === settled) this.offering.delete(instance);
    });
    return next;
  }

  release(fileId: string): void {
    this.reserved.delete(fileId);
  }

  /** Starts the upload of `fileId` from `address`, or says why not (one upload per file; so many at once). */
  beginUpload(fileId: string, address: string): 'ok' | 'conflict' | 'busy' {
    if (this.uploading.has(fileId)) return 'conflict';
    const fromAddress = this.uploadsByAddress.get(address) ?? 0;
    if (this.uploadsNow >= this.limits.uploads || fromAddress >= this.limits.uploadsPerAddress) return 'busy';
    this.uploading.add(fileId);
    this.uploadsByAddress.set(address, fromAddress + 1);
    this.uploadsNow += 1;
    return 'ok';
  }

  endUpload(fileId: string, address: string): void {
    if (!this.uploading.delete(fileId)) return;
    this.uploadsNow -= 1;
    const left = (this.uploadsByAddress.get(address) ?? 1) - 1;
    if (left > 0) this.uploadsByAddress.set(address, left);
    else this.uploadsByAddress.delete(address);
  }

  /** True the first time a download token's nonce is seen before it expires; false for a replay. */
  useDownload(nonce: string, expiresAt: number): boolean {
    const now = this.now();
    if (this.usedDownloads.size > 10_000) for (const [seen, until] of this.usedDownloads) if (until <= now) this.usedDownloads.delete(seen);
    if (this.usedDownloads.has(nonce)) return false;
    this.usedDownloads.set(nonce, expiresAt);
    return true;
  }
}
