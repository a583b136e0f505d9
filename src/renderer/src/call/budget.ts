/**
 * What one sender spends on one peer in a full mesh, where every sender encodes once per peer.
 * Chosen from how large that peer shows our camera and how many people are in the room; applied
 * with RTCRtpSender.setParameters, so it never renegotiates.
 */
export interface ViewSize {
  /** Device pixels the peer draws our camera at; 0 x 0 means it does not show it. */
  width: number;
  height: number;
}

export interface VideoEncoding {
  active: boolean;
  scaleResolutionDownBy: number;
  maxBitrate: number;
  maxFramerate: number;
}

/** Resolution rungs (frame height) and what each may spend, at most. */
const LADDER = [
  { height: 180, bitrate: 200_000, framerate: 15 },
  { height: 360, bitrate: 600_000, framerate: 24 },
  { height: 540, bitrate: 1_100_000, framerate: 30 },
  { height: 720, bitrate: 1_800_000, framerate: 30 },
] as const;

/** Sum of what a sender spends on all its peers tops out near this (upload of a typical link). */
const UPLOAD_BUDGET = 4_000_000;

export function encodingFor(view: ViewSize | undefined, sourceHeight: number, participants: number): VideoEncoding {
  if (view && (view.width === 0 || view.height === 0))
    return { active: false, scaleResolutionDownBy: 1, maxBitrate: LADDER[0].bitrate, maxFramerate: LADDER[0].framerate };
  // Until the peer says how big it shows us, assume a grid tile for this room size.
  const wanted = view ? view.height : defaultTileHeight(participants);
  const source = Math.max(1, sourceHeight);
  // The smallest rung at least as tall as the tile, never above the source.
  const rung = rungFor(Math.min(wanted, source));
  const peers = Math.max(1, participants - 1);
  const share = Math.max(LADDER[0].bitrate, Math.floor(UPLOAD_BUDGET / peers));
  return {
    active: true,
    scaleResolutionDownBy: Math.max(1, round2(source / Math.min(rung.height, source))),
    maxBitrate: Math.min(rung.bitrate, share),
    maxFramerate: rung.framerate,
  };
}

/** What the camera itself should capture: enough for the largest view of it, and no more. */
export interface CaptureSize {
  height: number;
  frameRate: number;
}

/** The camera's full size, as it is first opened (local-media.ts asks for 720p at 30 fps). */
export const FULL_CAPTURE: CaptureSize = { height: LADDER[3].height, frameRate: LADDER[3].framerate };

/**
 * Every encoder scales each camera frame down for its own peer, so a camera capturing more than
 * any view of it needs is spent once per peer for nothing. The tallest rung anyone needs, our own
 * tile included: peers that have not said yet count as a grid tile, views of 0 x 0 not at all,
 * and our own tile, until it is measured, as the full size.
 */
export function captureFor(peerViews: ReadonlyArray<ViewSize | undefined>, selfView: ViewSize | undefined, participants: number): CaptureSize {
  const heights = [selfView ? selfView.height : FULL_CAPTURE.height, ...peerViews.map((view) => (view ? view.height : defaultTileHeight(participants)))].filter(
    (height) => height > 0,
  );
  if (heights.length === 0) return { height: LADDER[0].height, frameRate: LADDER[0].framerate };
  const rung = rungFor(Math.max(...heights));
  return { height: rung.height, frameRate: rung.framerate };
}

/** The smallest rung at least `height` tall (the top one for anything taller). */
function rungFor(height: number): (typeof LADDER)[number] {
  return LADDER.find((r) => r.height >= height) ?? LADDER[3];
}

function defaultTileHeight(participants: number): number {
  if (participants <= 2) return 720;
  if (participants <= 4) return 360;
  return 180;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
