import { locateFfmpeg, type FfmpegLocation } from '../ffmpeg/locate';
import { RecordingService } from './recording-service';

export { RecordingService } from './recording-service';

export interface RecordingOptions {
  /** Electron's userData: chunks of recordings in progress live there. */
  dataDir: string;
  /** The user's Videos folder. */
  videosDir: () => string;
  env?: NodeJS.ProcessEnv;
}

/** Recording as the app uses it: the FFmpeg found as FFMPEG_PATH → ffmpeg-static → PATH. */
export function createRecording(options: RecordingOptions): RecordingService {
  const env = options.env ?? process.env;
  let location: FfmpegLocation | undefined;
  return new RecordingService({ dataDir: options.dataDir, outputDir: options.videosDir, locate: () => (location ??= locateFfmpeg({ env })), env });
}
