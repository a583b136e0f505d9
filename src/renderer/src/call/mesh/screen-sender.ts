import type { PeerLink } from './peer-link';

/** Screen content is text and detail: keep its resolution, spend on sharpness, not motion. */
const SCREEN_ENCODING = { maxFramerate: 15, maxBitrate: 2_500_000, scaleResolutionDownBy: 1 } as const;

/** Sharpness over smoothness on a link's screen sender while we share (setParameters: no renegotiation). */
export async function tuneScreenSender(link: PeerLink, sharing: boolean): Promise<void> {
  const sender = link.sender('screen');
  if (!sender || !sharing) return;
  const parameters = sender.getParameters();
  const encoding = parameters.encodings?.[0];
  if (!encoding) return;
  Object.assign(encoding, SCREEN_ENCODING);
  (parameters as RTCRtpSendParameters & { degradationPreference?: string }).degradationPreference = 'maintain-resolution';
  try {
    await sender.setParameters(parameters);
  } catch (error) {
    console.warn(`could not tune the screen share for ${link.remoteId}`, error);
  }
}
