import { t } from './i18n';

/**
 * The call engine (call/) explains what went wrong with the camera, the microphone or a recording
 * in English sentences of its own (local-media.ts `describe`, recorder.ts); this words them in the
 * current language, sentence by sentence, and leaves anything else (a device's or FFmpeg's own
 * words) as it is. The patterns are those sentences, pinned by engine-words.test.ts.
 *
 * Why sentences and not codes (checked for issue 22): the engine hands out only a string
 * (`LocalMediaState.error`, `RecorderState.error`). The codes exist inside it — the device, and the
 * browser's DOMException name (NotAllowedError, NotFoundError / OverconstrainedError,
 * NotReadableError) or an FFmpeg source's CaptureError — but local-media.ts `describe` flattens them
 * into the English sentence before it leaves call/. Keying off them means call/ exposing the problem
 * as data (device, kind, and the free-text reason), and this module wording that; until then these
 * patterns are the engine's own fixed sentences, which engine-words.test.ts pins. What follows a
 * colon ("…could not be opened: Connection refused", "Could not start recording: …") is FFmpeg's, the
 * main process's or the browser's own message (MediaRecorder, getUserMedia): it has no code, so it
 * is passed through as it is — except where call/ itself gives the reason: then it is a code
 * (ffmpeg-track.ts CAPTURE_REASON: the source ended, stopped, no track generator, FFmpeg sources
 * need the desktop app) that the catalogue messages taking a reason (media.sourceFailed,
 * addSource.cameraStopped / microphoneStopped) word with an ICU select, so the notice of a stopped
 * source, which uses those messages directly, words it too.
 */
type Device = 'camera' | 'microphone';

const SENTENCES: ReadonlyArray<[RegExp, (device: Device) => string]> = [
  [/Permission to use the (camera|microphone) was denied\./g, (device) => t('media.denied', { device })],
  [/No (camera|microphone) was found\./g, (device) => t('media.notFound', { device })],
  [/The (camera|microphone) is in use by another program\./g, (device) => t('media.busy', { device })],
  [/The (camera|microphone) could not be opened\./g, (device) => t('media.failed', { device })],
];

export function engineWords(text: string): string;
export function engineWords(text: string | null): string | null;
export function engineWords(text: string | null): string | null {
  if (text === null) return null;
  const source = /^The (camera|microphone) source could not be opened: (.*)$/s.exec(text);
  if (source) return t('media.sourceFailed', { device: source[1]!, reason: source[2]! });
  const stopped = /^The (camera|microphone) source stopped: (.*)$/s.exec(text);
  if (stopped) return t(stopped[1] === 'camera' ? 'addSource.cameraStopped' : 'addSource.microphoneStopped', { reason: stopped[2]! });
  const recording = /^Could not start recording: (.*)$/s.exec(text);
  if (recording) return t('media.recordingFailed', { reason: recording[1]! });
  return SENTENCES.reduce((said, [pattern, word]) => said.replace(pattern, (_match, device: Device) => word(device)), text);
}
