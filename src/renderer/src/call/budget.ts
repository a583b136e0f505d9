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
  const rung = LADDER.find((r) => r.height >= Math.min(wanted, source)) ?? LADDER[3];
  const peers = Math.max(1, participants - 1);
  const share = Math.max(LADDER[0].bitrate, Math.floor(UPLOAD_BUDGET / peers));
  return {
    active: true,
    scaleResolutionDownBy: Math.max(1, round2(source / Math.min(rung.height, source))),
    maxBitrate: Math.min(rung.bitrate, share),
    maxFramerate: rung.framerate,
  };
}

function defaultTileHeight(participants: number): number {
  if (participants <= 2) return 720;
  if (participants <= 4) return 360;
  return 180;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
