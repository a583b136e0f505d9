import { FFMPEG, PACTL, POSTGRES, PULSEAUDIO, REDIS, requirePrerequisites } from './prerequisites';

/** The unit tests run the real FFmpeg, a private PulseAudio server, PostgreSQL and Redis. */
export default function setup(): void {
  requirePrerequisites([FFMPEG, PULSEAUDIO, PACTL, POSTGRES, REDIS]);
}
