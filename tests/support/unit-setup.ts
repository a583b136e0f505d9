import { FFMPEG, PACTL, PULSEAUDIO, requirePrerequisites } from './prerequisites';

/** The unit tests run the real FFmpeg and a private PulseAudio server. */
export default function setup(): void {
  requirePrerequisites([FFMPEG, PULSEAUDIO, PACTL]);
}
