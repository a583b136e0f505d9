import ffmpeg from 'fluent-ffmpeg';
import type { FfmpegLocation } from './locate';

/** Points fluent-ffmpeg (for capture and recording pipelines) at the binary the app found, so every feature runs the same FFmpeg. */
export function useFfmpegForFluent(location: FfmpegLocation): void {
  ffmpeg.setFfmpegPath(location.path);
}
