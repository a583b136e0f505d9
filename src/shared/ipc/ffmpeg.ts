/** FFmpeg's device backends: DirectShow, AVFoundation, Video4Linux2, PulseAudio, ALSA. */
export const FFMPEG_BACKENDS = ['dshow', 'avfoundation', 'v4l2', 'pulse', 'alsa'] as const;
export type FfmpegBackend = (typeof FFMPEG_BACKENDS)[number];
