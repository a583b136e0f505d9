import { afterEach, describe, expect, it } from 'vitest';
import type { SfuGateway } from '../src/rooms/media-route.js';
import type { SfuOffer, SfuTrack } from '../src/protocol/index.js';
import { closeClients, connectClient, joined, nextEvent, record, request, settle, startServer, type TestServer } from './harness.js';

/**
 * The server's rules for meetings whose media goes through the SFU: when a meeting moves, who may
 * publish, subscribe and report views, and what the SFU is told. The SFU itself is stood in for by
 * a gateway that records what it is asked (the real one: sfu*.test.ts and tests/e2e/sfu.test.ts).
 */
class RecordingSfu implements SfuGateway {
  readonly calls: Array<{ op: string; meeting: string; member?: string; detail?: unknown }> = [];
  private listener: Parameters<SfuGateway['onOffer']>[0] | null = null;
  private layersListener: Parameters<SfuGateway['onLayers']>[0] | null = null;

  publish(meeting: string, member: string, offer: { sdp: string }): Promise<string> {
    this.calls.push({ op: 'publish', meeting, member, detail: offer.sdp });
    return Promise.resolve(`answer to ${offer.sdp}`);
  }
  subscribe(meeting: string, member: string, resume?: boolean): void {
    this.calls.push({ op: 'subscribe', meeting, member, ...(resume ? { detail: { resume } } : {}) });
  }
  answer(meeting: string, member: string, sdp: string, revision: number): void {
    this.calls.push({ op: 'answer', meeting, member, detail: { sdp, revision } });
  }
  view(meeting: string, member: string, views: unknown[]): void {
    this.calls.push({ op: 'view', meeting, member, detail: views });
  }
  mute(meeting: string, member: string, muted: boolean): void {
    this.calls.push({ op: 'mute', meeting, member, detail: muted });
  }
  leave(meeting: string, member: string): void {
    this.calls.push({ op: 'leave', meeting, member });
  }
  end(meeting: string): void {
    this.calls.push({ op: 'end', meeting });
  }
  onOffer(listener: Parameters<SfuGateway['onOffer']>[0]): void {
    this.listener = listener;
  }
  offer(offer: SfuOffer & { meeting: string; member: string; tracks: SfuTrack[] }): void {
    this.listener?.(offer);
  }
  onLayers(listener: Parameters<SfuGateway['onLayers']>[0]): void {
    this.layersListener = listener;
  }
  layers(layers: Parameters<Parameters<SfuGateway['onLayers']>[0]>[0]): void {
    this.layersListener?.(layers);
  }
  ops(op: string): Array<{ op: string; meeting: string; member?: string; detail?: unknown }> {
    return this.calls.filter((c) => c.op === op);
  }
}

let server: TestServer;
let sfu: RecordingSfu;
const start = async (sfuFrom: number | null): Promise<void> => {
  sfu = new RecordingSfu();
  server = await startServer({ sfuFrom }, undefined, { sfu });
};
afterEach(async () => {
  closeClients();
  await server.close();
});

const instanceOf = (room = 'standup'): string => server.signaling.meetings.get(room)!.instance;
const PUBLISH = { sdp: 'v=0 offer', fresh: true, slots: [{ mid: '0', slot: 'audio' }] };

describe('the media route', () => {
  it('moves a meeting to the SFU as its third person joins (sfuFrom 3): the others are told, the newcomer learns it from the reply', async () => {
    await start(3);
    const ada = await joined(server.url, { name: 'Ada' });
    expect(ada.reply.route).toBe('mesh');
    const bob = await joined(server.url, { name: 'Bob' });
    expect(bob.reply.route).toBe('mesh');
    const adaMoves = nextEvent<{ route: string }>(ada.socket, 'media-route');
    const bobMoves = nextEvent<{ route: string }>(bob.socket, 'media-route');
    const cyHears = record(ada.socket, 'media-route');
    const cy = await joined(server.url, { name: 'Cy' });
    expect(cy.reply.route).toBe('sfu');
    expect(await adaMoves).toEqual({ route: 'sfu' });
    expect(await bobMoves).toEqual({ route: 'sfu' });
    // It does not move back when people leave, and is not announced twice.
    cy.socket.disconnect();
    await settle();
    const dee = await joined(server.url, { name: 'Dee' });
    expect(dee.reply.route).toBe('sfu');
    expect(cyHears).toHaveLength(1);
  });

  it('never moves with sfuFrom null, and the SFU requests are refused in a mesh', async () => {
    await start(null);
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await joined(server.url, { name: `P${i}` }));
    expect(people.every((p) => p.reply.route === 'mesh')).toBe(true);
    const refused = await request(people[0]!.socket, 'sfu-publish', PUBLISH);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(sfu.calls).toEqual([]);
  });

  it('moves the meetings that have reached its size once the SFU is ready, when that comes after they began', async () => {
    sfu = new RecordingSfu();
    server = await startServer({ sfuFrom: 2 });
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const cy = await joined(server.url, { name: 'Cy', room: 'alone' });
    expect([ada, bob, cy].map((p) => p.reply.route)).toEqual(['mesh', 'mesh', 'mesh']);
    expect(await request(ada.socket, 'sfu-publish', PUBLISH)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const told = [nextEvent(ada.socket, 'media-route'), nextEvent(bob.socket, 'media-route')];
    const cyTold = record(cy.socket, 'media-route');
    server.signaling.attachSfu(sfu);
    expect(await Promise.all(told)).toEqual([{ route: 'sfu' }, { route: 'sfu' }]);
    expect(await request(ada.socket, 'sfu-publish', PUBLISH)).toEqual({ ok: true, sdp: 'answer to v=0 offer' });
    // Cy's meeting of one has not reached the size: it stays a mesh.
    await settle();
    expect(cyTold).toEqual([]);
    expect(await request(cy.socket, 'sfu-publish', PUBLISH)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('with sfuFrom 0 a meeting is on the SFU from its first person', async () => {
    await start(0);
    const ada = await joined(server.url, { name: 'Ada' });
    expect(ada.reply.route).toBe('sfu');
  });

  it("relays a member's offer to the SFU under their meeting instance and id, and the SFU's offers only to the member they are for", async () => {
    await start(0);
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const reply = await request(ada.socket, 'sfu-publish', PUBLISH);
    expect(reply).toEqual({ ok: true, sdp: 'answer to v=0 offer' });
    expect(sfu.ops('publish')).toEqual([{ op: 'publish', meeting: instanceOf(), member: ada.id, detail: 'v=0 offer' }]);
    expect(await request(bob.socket, 'sfu-subscribe', {})).toEqual({ ok: true });
    expect(sfu.ops('subscribe')).toEqual([{ op: 'subscribe', meeting: instanceOf(), member: bob.id }]);
    // Back from a signaling drop: the SFU is asked to keep the connection it has, and the member
    // learns whether this server's SFU holds their sending connection (Ada published to it, Bob
    // did not: after a restart or another node's takeover, nobody has).
    expect(await request(bob.socket, 'sfu-subscribe', { resume: true })).toEqual({ ok: true, held: false });
    expect(sfu.ops('subscribe')[1]).toEqual({ op: 'subscribe', meeting: instanceOf(), member: bob.id, detail: { resume: true } });
    expect(await request(ada.socket, 'sfu-subscribe', { resume: true })).toEqual({ ok: true, held: true });
    sfu.calls.splice(
      sfu.calls.findIndex((c) => c.op === 'subscribe' && c.member === ada.id),
      1,
    );

    const adaOffers = record(ada.socket, 'sfu-offer');
    const bobOffer = nextEvent(bob.socket, 'sfu-offer');
    const offer = { sdp: 'v=0 sfu', revision: 1, fresh: true, tracks: [{ mid: '0', from: ada.id, slot: 'audio' as const }] };
    sfu.offer({ ...offer, meeting: instanceOf(), member: bob.id });
    expect(await bobOffer).toEqual(offer);
    // An offer for a meeting instance that is not running, or for someone not in it, goes nowhere.
    sfu.offer({ ...offer, meeting: 'an-old-instance', member: ada.id });
    sfu.offer({ ...offer, meeting: instanceOf(), member: 'somebody-else-123' });
    await settle();
    expect(adaOffers).toEqual([]);

    expect(await request(bob.socket, 'sfu-answer', { sdp: 'v=0 answer', revision: 1 })).toEqual({ ok: true });
    expect(sfu.ops('answer')).toEqual([{ op: 'answer', meeting: instanceOf(), member: bob.id, detail: { sdp: 'v=0 answer', revision: 1 } }]);

    // Which of her camera's layers anyone is shown goes to Ada alone, and only in her meeting instance.
    const bobLayers = record(bob.socket, 'sfu-layers');
    const adaLayers = nextEvent(ada.socket, 'sfu-layers');
    sfu.layers({ meeting: 'an-old-instance', member: ada.id, slot: 'video', active: [true, false, false] });
    sfu.layers({ meeting: instanceOf(), member: ada.id, slot: 'video', active: [true, true, false] });
    expect(await adaLayers).toEqual({ slot: 'video', active: [true, true, false] });
    await settle();
    expect(bobLayers).toEqual([]);
  });

  it('refuses SFU requests from a connection in no meeting, and bad ones, telling the SFU nothing', async () => {
    await start(0);
    const ada = await joined(server.url, { name: 'Ada' });
    const stranger = await joined(server.url, { name: 'Eve', room: 'elsewhere' });
    sfu.calls.length = 0;
    // Eve's meeting is on the SFU too, but she can only reach her own instance.
    await request(stranger.socket, 'sfu-view', { views: [{ from: ada.id, slot: 'video', width: 640, height: 360 }] });
    expect(sfu.ops('view')).toEqual([{ op: 'view', meeting: instanceOf('elsewhere'), member: stranger.id, detail: [] }]);
    sfu.calls.length = 0;
    const outsider = await connectClient(server.url);
    for (const event of ['sfu-publish', 'sfu-subscribe', 'sfu-answer', 'sfu-view'] as const) {
      const payload = { 'sfu-publish': PUBLISH, 'sfu-subscribe': {}, 'sfu-answer': { sdp: 'v=0', revision: 1 }, 'sfu-view': { views: [] } }[event];
      expect(await request(outsider, event, payload), event).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    }
    for (const [event, payload] of [
      ['sfu-publish', { sdp: '', fresh: true, slots: [] }],
      [
        'sfu-publish',
        {
          ...PUBLISH,
          slots: [
            { mid: '0', slot: 'audio' },
            { mid: '1', slot: 'audio' },
          ],
        },
      ],
      ['sfu-publish', { ...PUBLISH, slots: [{ mid: '0', slot: 'microphone' }] }],
      ['sfu-publish', { ...PUBLISH, sdp: 'x'.repeat(60_000) }],
      ['sfu-answer', { sdp: 'v=0', revision: 0 }],
      ['sfu-view', { views: [{ from: 'x', slot: 'video', width: 1, height: 1 }] }],
      ['sfu-view', { views: [{ from: ada.id, slot: 'video', width: -1, height: 1 }] }],
    ] as const) {
      const reply = await request(ada.socket, event, payload);
      expect(reply.ok, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toBe(false);
    }
    expect(sfu.calls.filter((c) => c.op !== 'mute')).toEqual([]);
  });

  it("tells the SFU to stop forwarding a microphone the host muted (whatever that person's app does), and to forward it again once they unmute", async () => {
    await start(0);
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    await request(bob.socket, 'sfu-publish', PUBLISH);
    expect(sfu.ops('mute').at(-1)).toEqual({ op: 'mute', meeting: instanceOf(), member: bob.id, detail: false });
    expect(await request(ada.socket, 'mute', { id: bob.id })).toEqual({ ok: true });
    expect(sfu.ops('mute').at(-1)).toEqual({ op: 'mute', meeting: instanceOf(), member: bob.id, detail: true });
    // Publishing again (a new connection) does not undo the host's mute.
    await request(bob.socket, 'sfu-publish', PUBLISH);
    expect(sfu.ops('mute').at(-1)).toMatchObject({ member: bob.id, detail: true });
    await request(bob.socket, 'media', { audio: true, video: true, screen: false });
    expect(sfu.ops('mute').at(-1)).toMatchObject({ member: bob.id, detail: false });
  });

  it('drops a member from the SFU when they leave, and the whole meeting when it ends', async () => {
    await start(0);
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const instance = instanceOf();
    await request(bob.socket, 'leave', {});
    expect(sfu.ops('leave')).toEqual([{ op: 'leave', meeting: instance, member: bob.id }]);
    await request(ada.socket, 'end-meeting', {});
    expect(sfu.ops('end')).toEqual([{ op: 'end', meeting: instance }]);
  });
});
