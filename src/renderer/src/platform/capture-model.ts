import type { AddedSource, AddSourceRequest, CaptureRequest } from '@shared/ipc/capture';
import type { CapturedTrack } from '../call/ffmpeg-track';

export type { AddedSource, CaptureRequest, CaptureSource } from '@shared/ipc/capture';

/**
 * FFmpeg sources, in the desktop app only (a browser guest has no main process to run FFmpeg):
 * open one as a track, and manage the sources added with "Add a source…".
 */
export interface DesktopCapture {
  /** Starts FFmpeg and resolves with the track once its first frame is in; rejects with FFmpeg's reason. */
  open(request: CaptureRequest): Promise<CapturedTrack>;
  sources(): Promise<AddedSource[]>;
  /** Checks the URL or path with FFmpeg and keeps it; it is then listed with the cameras and microphones. */
  addSource(request: AddSourceRequest): Promise<AddedSource>;
  removeSource(id: string): Promise<AddedSource[]>;
  /** A file picker; null when cancelled. */
  chooseFile(): Promise<string | null>;
}
