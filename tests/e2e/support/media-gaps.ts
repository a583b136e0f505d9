import type { Page } from 'playwright-core';

/**
 * Before the app's scripts: keeps every RTCPeerConnection and microphone track the page makes, and,
 * from `gapWatch.reset()` on, watches every remote tile every 50 ms: the longest time its sound and
 * its picture went without anything new (a new packet played from the track its audio element
 * plays, a new frame in its video element), and whether the tile ever left the page. Whatever
 * connection or track carries them, so a move from one to another is measured as people notice it.
 *
 * Those two are read by the page's own timer, so a page that stalls (five browsers on two cores)
 * shows its stall as a gap though the sound played on, on its own thread. The sound lost is also
 * counted where it happens: the audio Chromium made up in place of packets that did not come
 * (`concealedSamples` of the inbound audio) on every track the person's audio element played, while
 * it played it, read every 200 ms and as a connection closes. A gap is a run of readings each mostly
 * made up; a starved CPU's scattered short fill-ins are counted in the total only.
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
  // Audio by track id, as read so far: { concealedMs, playedMs, lostMs, run, longestRunMs }.
  // concealedMs and playedMs are Chromium's counts (playedMs includes made-up audio); lostMs is what
  // was made up while the track was the one an audio element played; run is the made-up audio of
  // the readings since the last mostly-real one. Chromium goes on pulling (and making up) a track
  // no element plays any more, such as the mesh's once the SFU's took over: that is nobody's loss.
  const concealment = new Map();
  // The tracks audio elements play now (updated by the watch's look every 50 ms).
  let playing = new Set();
  const readConcealment = (pc) =>
    pc.getStats().then((report) => report.forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio' || !s.trackIdentifier || !s.totalSamplesReceived) return;
      const msPerSample = (s.totalSamplesDuration * 1000) / s.totalSamplesReceived;
      const now = { concealedMs: s.concealedSamples * msPerSample, playedMs: s.totalSamplesDuration * 1000 };
      const last = concealment.get(s.trackIdentifier);
      // A track's first reading is where its counts start: what it made up before no element played.
      if (!last) return void concealment.set(s.trackIdentifier, { ...now, lostMs: 0, run: 0, longestRunMs: 0 });
      if (now.playedMs <= last.playedMs) return;
      const madeUp = playing.has(s.trackIdentifier) ? now.concealedMs - last.concealedMs : 0;
      const run = madeUp > 0 && madeUp >= 0.5 * (now.playedMs - last.playedMs) ? last.run + madeUp : 0;
      concealment.set(s.trackIdentifier, { ...now, lostMs: last.lostMs + madeUp, run, longestRunMs: Math.max(last.longestRunMs, run) });
    })).catch(() => undefined);
  // The last reading of a connection the app closes (asked for before it closes).
  const nativeClose = Native.prototype.close;
  Native.prototype.close = function () {
    void readConcealment(this);
    return nativeClose.call(this);
  };
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
  let statsTimer = null;
  let lookedAt = 0;
  let stallMs = 0;
  const playingNow = () =>
    new Set([...document.querySelectorAll('audio')].flatMap((a) => (a.srcObject ? a.srcObject.getAudioTracks().map((t) => t.id) : [])));
  const look = () => {
    playing = playingNow();
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
      if (track) w.audioTracks.add(track.id);
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
          if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid && s.mid === '1')
            layers[s.rid] = { width: s.frameWidth || 0, height: s.frameHeight || 0, active: s.active !== false, framesEncoded: s.framesEncoded || 0 };
        });
      }
      return layers;
    },
    localAudio: () => microphones.filter((t) => t.readyState === 'live').at(-1) ?? null,
    reset: async () => {
      playing = playingNow();
      await Promise.all(open().map(readConcealment));
      for (const c of concealment.values()) c.lostMs = c.longestRunMs = c.run = 0;
      clearInterval(statsTimer);
      statsTimer = setInterval(() => open().forEach(readConcealment), 200);
      const now = performance.now();
      lookedAt = now;
      stallMs = 0;
      watched = new Map();
      for (const tile of document.querySelectorAll('[data-testid="tile"][data-participant-id]')) {
        const id = tile.getAttribute('data-participant-id');
        if (tile.getAttribute('data-local') === 'true' || id.includes(':')) continue;
        watched.set(id, { removed: false, frames: null, heard: null, videoAt: now, audioAt: now, videoMs: 0, audioMs: 0, audioTracks: new Set() });
      }
      clearInterval(timer);
      timer = setInterval(look, 50);
    },
    gaps: async (id) => {
      const w = watched.get(id);
      if (!w) return null;
      await Promise.all(open().map(readConcealment));
      let concealedMs = 0;
      let longestMs = 0;
      const byTrack = [];
      for (const track of w.audioTracks) {
        const c = concealment.get(track);
        if (!c) continue;
        concealedMs += c.lostMs;
        longestMs = Math.max(longestMs, c.longestRunMs);
        byTrack.push(Math.round(c.longestRunMs));
      }
      const now = performance.now();
      return {
        audioLostMs: Math.round(longestMs),
        audioConcealedMs: Math.round(concealedMs),
        audioLostByTrackMs: byTrack,
        audioTracks: w.audioTracks.size,
        audioMs: Math.round(Math.max(w.audioMs, now - w.audioAt)),
        videoMs: Math.round(Math.max(w.videoMs, now - w.videoAt)),
        tileRemoved: w.removed,
        connectionsMade: connections.length,
        pageStallMs: Math.round(Math.max(stallMs, now - lookedAt)),
      };
    },
  };
})();`;

export interface MediaGaps {
  /** The longest stretch without a new sound packet played, ms, as the page's own timer saw it (a page stall counts). */
  audioMs: number;
  /** The longest stretch of the person's sound lost since the watch started: made up by Chromium in place of packets that did not come, on whichever track played it. */
  audioLostMs: number;
  /** All of the person's sound made up meanwhile, short fill-ins of a starved CPU included. */
  audioConcealedMs: number;
  /** The longest stretch lost on each of those tracks, in the order they played. */
  audioLostByTrackMs: number[];
  /** How many tracks played the person's sound meanwhile (2: mesh then SFU). */
  audioTracks: number;
  /** The longest stretch without a new frame shown, ms. */
  videoMs: number;
  tileRemoved: boolean;
  /** How many connections the page made from its start (closed ones included). */
  connectionsMade: number;
  /** The longest time the page's own 50 ms watch did not run (the page stalled): a gap this long says nothing of the media. */
  pageStallMs: number;
}

/** The camera layers the page sends now (simulcast to the SFU): size by rid. */
/** The camera's layers as the page's SFU connection sends them, by rid: the last frame's size, whether it is sent, frames so far. */
export interface SentLayer {
  width: number;
  height: number;
  active: boolean;
  framesEncoded: number;
}
export function sentLayers(page: Page): Promise<Record<string, SentLayer>> {
  return page.evaluate('window.gapWatch.sentLayers()') as Promise<Record<string, SentLayer>>;
}

export async function resetGaps(page: Page): Promise<void> {
  await page.evaluate('window.gapWatch.reset()');
}

export async function mediaGaps(page: Page, id: string): Promise<MediaGaps> {
  const gaps = (await page.evaluate(`window.gapWatch.gaps(${JSON.stringify(id)})`)) as MediaGaps | null;
  if (!gaps) throw new Error(`${id} was not watched`);
  return gaps;
}
