import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { meetingUrl, selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { videoMoving } from './support/fault-probes';

/**
 * RTX (RFC 4588) through the SFU, as Chromium negotiates it: both of a person's connections to the
 * SFU carry `rtx` for VP8 (the sending one in the SFU's answer, the receiving one in its offer,
 * with an RTX SSRC per video line), and the video still flows. That a NACK is answered as RTX, and
 * a publisher's RTX taken as the original, is shown packet by packet in
 * signaling-server/test/sfu-rtx.test.ts: a loopback call here loses nothing to retransmit.
 */

/** Keeps every RTCPeerConnection the page makes, so that the test can read their descriptions and stats. */
const KEEP_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const made = [];
  window.__connections = made;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      made.push(this);
    }
  };
})();`;

interface ConnectionView {
  /** Who offered: 'remote' is the SFU's offer (the receiving connection), 'local' our own (the sending one). */
  offerer: 'local' | 'remote' | null;
  state: string;
  remote: string;
  local: string;
  /** The codecs getStats names, and the video received (inbound-rtp). */
  codecs: string[];
  inbound: { framesDecoded: number; nackCount: number; retransmittedPacketsReceived: number | null }[];
}

function connections(page: Page): Promise<ConnectionView[]> {
  return page.evaluate(async () => {
    const list = (window as unknown as { __connections: RTCPeerConnection[] }).__connections;
    return Promise.all(
      list.map(async (pc) => {
        const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
        return {
          offerer: pc.remoteDescription?.type === 'offer' ? ('remote' as const) : pc.localDescription?.type === 'offer' ? ('local' as const) : null,
          state: pc.connectionState,
          remote: pc.remoteDescription?.sdp ?? '',
          local: pc.localDescription?.sdp ?? '',
          codecs: stats.filter((s) => s.type === 'codec').map((s) => `${String(s.payloadType)} ${String(s.mimeType)}`),
          inbound: stats
            .filter((s) => s.type === 'inbound-rtp' && s.kind === 'video')
            .map((s) => ({
              framesDecoded: Number(s.framesDecoded ?? 0),
              nackCount: Number(s.nackCount ?? 0),
              retransmittedPacketsReceived: typeof s.retransmittedPacketsReceived === 'number' ? s.retransmittedPacketsReceived : null,
            })),
        };
      }),
    );
  });
}

/** The video m-lines of an SDP that carry `rtx` with apt = their VP8's payload type. */
function videoSectionsWithRtx(sdp: string): { sections: number; withRtx: number; fidGroups: number } {
  const videos = sdp.split(/(?=^m=)/m).filter((s) => s.startsWith('m=video') && !s.startsWith('m=video 0 '));
  const withRtx = videos.filter((s) => {
    const vp8 = /^a=rtpmap:(\d+) VP8\/90000\r?$/im.exec(s)?.[1];
    const rtx = vp8 && new RegExp(`^a=fmtp:(\\d+) apt=${vp8}\\r?$`, 'm').exec(s)?.[1];
    return rtx !== undefined && rtx !== null && new RegExp(`^a=rtpmap:${rtx} rtx/90000\\r?$`, 'im').test(s) && s.split('\r\n')[0]!.split(' ').includes(rtx);
  });
  return { sections: videos.length, withRtx: withRtx.length, fidGroups: videos.filter((s) => /^a=ssrc-group:FID \d+ \d+\r?$/m.test(s)).length };
}

describe('RTX through the SFU, in Chromium', () => {
  let server: MeetingServer;
  const people: { page: Page; id: string; color: 'red' | 'green' }[] = [];

  beforeAll(async () => {
    server = await startMeetingServer({ sfuFrom: 0 }, 0, { sfu: true });
    for (const [name, color] of [
      ['Ada', 'red'],
      ['Bob', 'green'],
    ] as const) {
      const browser = await launchParticipant({ color });
      await browser.page.addInitScript(KEEP_CONNECTIONS);
      await browser.page.goto(meetingUrl(server.url, 'sfu-rtx', name));
      people.push({ page: browser.page, id: await selfId(browser.page), color });
    }
    for (const viewer of people)
      for (const other of people.filter((p) => p !== viewer)) {
        await waitForRemoteTiles(viewer.page, [other.id]);
        expect(await waitForTileColor(viewer.page, other.id, other.color, 30_000)).toBe(other.color);
      }
  }, 120_000);

  afterAll(async () => {
    await closeAllParticipants();
    await server?.close();
  });

  it("negotiates rtx on both of each person's SFU connections (an RTX SSRC per video line received), and the video flows", async () => {
    for (const person of people) {
      const list = (await connections(person.page)).filter((c) => c.state === 'connected');
      const receiving = list.find((c) => c.offerer === 'remote');
      const sending = list.find((c) => c.offerer === 'local');
      expect(receiving, 'a receiving connection (the SFU offers)').toBeDefined();
      expect(sending, 'a sending connection (we offer)').toBeDefined();
      // Receiving: the SFU's offer gives every video line rtx and a FID group, and our answer keeps rtx.
      const offered = videoSectionsWithRtx(receiving!.remote);
      expect(offered.sections).toBeGreaterThan(0);
      expect(offered).toEqual({ sections: offered.sections, withRtx: offered.sections, fidGroups: offered.sections });
      expect(videoSectionsWithRtx(receiving!.local).withRtx).toBe(offered.sections);
      // Sending: the SFU's answer accepts our rtx for VP8.
      const answered = videoSectionsWithRtx(sending!.remote);
      expect(answered.withRtx).toBe(answered.sections);
      expect(answered.sections).toBeGreaterThan(0);
      console.log(`${person.id}: receiving codecs in getStats: ${JSON.stringify(receiving!.codecs)}, video in: ${JSON.stringify(receiving!.inbound)}`);
    }
    // The video still moves, each way.
    const [ada, bob] = people as [(typeof people)[0], (typeof people)[0]];
    expect(await videoMoving(ada.page, bob.id, bob.color, 15_000)).toBeGreaterThan(0);
    expect(await videoMoving(bob.page, ada.id, ada.color, 15_000)).toBeGreaterThan(0);
    for (const person of people) {
      const receiving = (await connections(person.page)).find((c) => c.offerer === 'remote' && c.state === 'connected')!;
      expect(receiving.inbound.some((v) => v.framesDecoded > 0)).toBe(true);
    }
  });
});
