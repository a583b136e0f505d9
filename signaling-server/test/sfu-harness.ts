import { childLauncher } from '../src/sfu/child-launcher.js';
import { type SfuProcessOptions } from '../src/sfu/control.js';
import { type RunningSfu, startSfu } from '../src/sfu/gateway.js';
import { type VideoShape } from './sfu-media.js';
import { SyntheticParticipant } from './sfu-participant.js';

export interface SfuLog {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** The real SFU process as the standalone server starts it (its child launcher and gateway), on loopback. */
export async function startTestSfu(options: Partial<SfuProcessOptions> = {}): Promise<{ sfu: RunningSfu; logs: SfuLog[] }> {
  const logs: SfuLog[] = [];
  const sfu = await startSfu(
    childLauncher,
    { bindAddress: '127.0.0.1', ...options },
    {
      info: (message) => logs.push({ level: 'info', message }),
      warn: (message) => logs.push({ level: 'warn', message }),
      error: (message) => logs.push({ level: 'error', message }),
    },
  );
  return { sfu, logs };
}

/**
 * The server's part for one meeting instance: it relays each participant's publish offer and the
 * SFU's answer, and the SFU's offers for the receiving connections and their answers.
 */
export class TestMeeting {
  readonly participants: SyntheticParticipant[] = [];
  /** Connections that failed and were made anew. */
  failures = 0;
  /** Members whose signaling is away: the SFU's offers to them are lost on the way. */
  readonly away = new Set<string>();

  private closed = false;

  constructor(
    private readonly sfu: RunningSfu,
    readonly id: string,
    /** The participants' cameras' packets per frame and sizes (default: the tests' small ones). */
    private readonly videoShape?: VideoShape,
  ) {
    sfu.onOffer((offer) => {
      if (offer.meeting !== this.id || this.closed || this.away.has(offer.member)) return;
      const participant = this.participants.find((p) => p.id === offer.member);
      if (!participant) return;
      participant.answerOffer(offer).then(
        (sdp) => sfu.answer(this.id, participant.id, sdp, offer.revision),
        () => undefined,
      );
    });
  }

  /** A participant publishes (and starts sending) and subscribes. */
  async join(index: number, id = `participant-${index}`): Promise<SyntheticParticipant> {
    const participant = new SyntheticParticipant(index, id, this.videoShape);
    this.participants.push(participant);
    // As a browser does: a connection that failed is made anew (counted, for the tests to say).
    participant.on('publisher-failed', () => {
      this.failures++;
      if (process.env.SFU_DEBUG) console.log('publisher failed', participant.id);
      void this.publish(participant).catch(() => undefined);
    });
    participant.on('subscriber-failed', () => {
      this.failures++;
      if (process.env.SFU_DEBUG) console.log('subscriber failed', participant.id);
      this.sfu.subscribe(this.id, id);
    });
    await this.publish(participant);
    participant.startSending();
    this.sfu.subscribe(this.id, id);
    return participant;
  }

  /** A new publishing connection (`fresh`), made anew if it fails on the answer. */
  async publish(participant: SyntheticParticipant): Promise<void> {
    const offer = await participant.publishOffer();
    const answer = await this.sfu.publish(this.id, participant.id, { sdp: offer.sdp, fresh: true, slots: offer.slots });
    try {
      participant.applyPublishAnswer(answer);
    } catch {
      // The connection failed while taking the answer in (see asSent in sfu-participant.ts): anew.
      this.failures++;
      if (process.env.SFU_DEBUG) console.log('publisher failed on the answer', participant.id);
      await this.publish(participant);
    }
  }

  async share(participant: SyntheticParticipant): Promise<void> {
    const offer = participant.shareOffer();
    const answer = await this.sfu.publish(this.id, participant.id, { sdp: offer.sdp, fresh: false, slots: offer.slots });
    participant.applyPublishAnswer(answer);
  }

  view(viewer: SyntheticParticipant, views: { from: SyntheticParticipant; slot?: 'video' | 'screen'; width: number; height: number }[]): void {
    this.sfu.view(
      this.id,
      viewer.id,
      views.map((v) => ({ from: v.from.id, slot: v.slot ?? 'video', width: v.width, height: v.height })),
    );
  }

  leave(participant: SyntheticParticipant): void {
    this.sfu.leave(this.id, participant.id);
    participant.close();
    this.participants.splice(this.participants.indexOf(participant), 1);
  }

  mute(participant: SyntheticParticipant, muted: boolean): void {
    this.sfu.mute(this.id, participant.id, muted);
  }

  close(): void {
    this.closed = true;
    this.sfu.end(this.id);
    for (const p of this.participants) p.close();
    this.participants.length = 0;
  }
}
