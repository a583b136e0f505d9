import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { MEDIA_DIR } from './paths';

/** Colours far apart in RGB, so a sampled pixel says unambiguously whose camera it came from. */
export const PALETTE = {
  red: [220, 40, 40],
  green: [40, 200, 60],
  blue: [40, 70, 230],
  yellow: [235, 220, 40],
  magenta: [220, 40, 220],
  cyan: [40, 210, 220],
} as const satisfies Record<string, readonly [number, number, number]>;

export type PatternColor = keyof typeof PALETTE;

const hex = (rgb: readonly number[]): string => `0x${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/**
 * A Y4M file for Chromium's fake camera: a solid colour with a small moving white square, so the
 * encoder has motion to send and a pixel in the middle of the frame is always that colour.
 */
export function fakeCameraFile(color: PatternColor, size = '640x360', fps = 30): string {
  mkdirSync(MEDIA_DIR, { recursive: true });
  const file = `${MEDIA_DIR}/${color}-${size}-${fps}fps.y4m`;
  if (existsSync(file)) return file;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=${hex(PALETTE[color])}:s=${size}:r=${fps}:d=2`,
    '-vf',
    "drawbox=x='mod(t*200,iw-40)':y=8:w=32:h=32:color=white:t=fill",
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

/** The palette colour nearest to an RGB sample, or null when it is near none of them. */
export function nearestColor([r, g, b]: readonly number[]): PatternColor | null {
  let best: PatternColor | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [name, rgb] of Object.entries(PALETTE) as Array<[PatternColor, readonly number[]]>) {
    const distance = Math.hypot(r! - rgb[0]!, g! - rgb[1]!, b! - rgb[2]!);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance < 90 ? best : null;
}
