import type { Page } from 'playwright-core';

/**
 * Before the app's scripts: keeps every RTCPeerConnection and microphone track the page makes, and,
 * from `gapWatch.reset()` on, watches every remote tile every 50 ms: the longest time its sound and
 * its picture went without anything new (a new packet played from the track its audio element
 * plays, a new frame in its video element), and whether the tile ever left the page. Whatever
 * connection or track carries them, so a move from one to another is measured as people notice it.
 */
export const GAP_WATCH = `(() => {
  const connections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    connections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  const microphones = [];
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    microphones.push(...stream.getAudioTracks());
    return stream;
  };
  const open = () => connections.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed');
  const receiverOf = (track) => {
    for (const pc of open()) for (const r of pc.getReceivers()) if (r.track === track) return r;
    return null;
  };
  let watched = new Map();
  let timer = null;
  let lookedAt = 0;
  let stallMs = 0;
  const look = () => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - lookedAt);
    lookedAt = now;
    for (const [id, w] of watched) {
      const tile = document.querySelector('[data-testid="tile"][data-participant-id="' + id + '"]');
      if (!tile) { w.removed = true; continue; }
      const video = tile.querySelector('video');
      const frames = video ? video.getVideoPlaybackQuality().totalVideoFrames + ':' + (video.srcObject && video.srcObject.id) : null;
      if (frames !== null && frames !== w.frames) { w.frames = frames; w.videoMs = Math.max(w.videoMs, now - w.videoAt); w.videoAt = now; }
      const audio = document.querySelector('audio[data-participant-id="' + id + '"]');
      const track = audio && audio.srcObject ? audio.srcObject.getAudioTracks()[0] : null;
      const receiver = track ? receiverOf(track) : null;
      const sources = receiver ? receiver.getSynchronizationSources() : [];
      const heard = sources.length ? Math.max(...sources.map((s) => s.rtpTimestamp)) + ':' + track.id : null;
      if (heard !== null && heard !== w.heard) { w.heard = heard; w.audioMs = Math.max(w.audioMs, now - w.audioAt); w.audioAt = now; }
    }
  };
  window.gapWatch = {
    connections: () => open().length,
    /** How many connections the page has made so far, closed ones included. */
    made: () => connections.length,
    sentLayers: async () => {
      const layers = {};
      for (const pc of open()) {
        const mids = new Map(pc.getTransceivers().map((t) => [t.sender, t.mid]));
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid && s.mid === '1') layers[s.rid] = { width: s.frameWidth || 0, height: s.frameHeight || 0 };
        });
      }
      return layers;
    },
    localAudio: () => microphones.filter((t) => t.readyState === 'live').at(-1) ?? null,
    reset: () => {
      const now = performance.now();
      lookedAt = now;
      stallMs = 0;
      watched = new Map();
      for (const tile of document.querySelectorAll('[data-testid="tile"][data-participant-id]')) {
        const id = tile.getAttribute('data-participant-id');
        if (tile.getAttribute('data-local') === 'true' || id.includes(':')) continue;
        watched.set(id, { removed: false, frames: null, heard: null, videoAt: now, audioAt: now, videoMs: 0, audioMs: 0 });
      }
      clearInterval(timer);
      timer = setInterval(look, 50);
    },
    gaps: (id) => {
      const w = watched.get(id);
      if (!w) return null;
      const now = performance.now();
      return {
        audioMs: Math.round(Math.max(w.audioMs, now - w.audioAt)),
        videoMs: Math.round(Math.max(w.videoMs, now - w.videoAt)),
        tileRemoved: w.removed,
        pageStallMs: Math.round(Math.max(stallMs, now - lookedAt)),
      };
    },
  };
})();`;

export interface MediaGaps {
  /** The longest stretch without a new sound packet played, ms. */
  audioMs: number;
  /** The longest stretch without a new frame shown, ms. */
  videoMs: number;
  tileRemoved: boolean;
  /** The longest time the page's own 50 ms watch did not run (the page stalled): a gap this long says nothing of the media. */
  pageStallMs: number;
}

/** The camera layers the page sends now (simulcast to the SFU): size by rid. */
export function sentLayers(page: Page): Promise<Record<string, { width: number; height: number }>> {
  return page.evaluate('window.gapWatch.sentLayers()') as Promise<Record<string, { width: number; height: number }>>;
}

export async function resetGaps(page: Page): Promise<void> {
  await page.evaluate('window.gapWatch.reset()');
}

export async function mediaGaps(page: Page, id: string): Promise<MediaGaps> {
  const gaps = (await page.evaluate(`window.gapWatch.gaps(${JSON.stringify(id)})`)) as MediaGaps | null;
  if (!gaps) throw new Error(`${id} was not watched`);
  return gaps;
}
