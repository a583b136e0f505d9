import { describe, expect, it } from 'vitest';
import { encodingFor } from './budget';

describe('the mesh budget for one peer', () => {
  it('stops sending video to a peer that does not show us', () => {
    expect(encodingFor({ width: 0, height: 0 }, 720, 4).active).toBe(false);
  });

  it('scales down to the size the peer shows us, at lower bitrate and frame rate for small tiles', () => {
    const thumbnail = encodingFor({ width: 240, height: 135 }, 720, 3);
    expect(thumbnail).toMatchObject({ active: true, scaleResolutionDownBy: 4, maxFramerate: 15 });
    const big = encodingFor({ width: 1280, height: 720 }, 720, 3);
    expect(big).toMatchObject({ active: true, scaleResolutionDownBy: 1, maxFramerate: 30 });
    expect(thumbnail.maxBitrate).toBeLessThan(big.maxBitrate);
  });

  it('never scales up past the source', () => {
    expect(encodingFor({ width: 3840, height: 2160 }, 360, 2)).toMatchObject({ scaleResolutionDownBy: 1 });
  });

  it('shares the upload between peers as the room grows', () => {
    const view = { width: 1280, height: 720 };
    const two = encodingFor(view, 720, 2).maxBitrate;
    const six = encodingFor(view, 720, 6).maxBitrate;
    const ten = encodingFor(view, 720, 10).maxBitrate;
    expect(six).toBeLessThan(two);
    expect(ten).toBeLessThan(six);
    expect(ten).toBeGreaterThanOrEqual(200_000);
  });

  it('guesses a grid tile for the room size until the peer tells', () => {
    expect(encodingFor(undefined, 720, 2).scaleResolutionDownBy).toBe(1);
    expect(encodingFor(undefined, 720, 6).scaleResolutionDownBy).toBe(4);
  });
});
