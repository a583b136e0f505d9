import { z } from 'zod';
import { LIMITS } from './limits.js';
import { ParticipantIdSchema } from './schemas.js';

/**
 * A meeting's media route: `mesh` (everyone connects to everyone, media never touches the server)
 * or `sfu` (everyone publishes one connection to the meeting server's selective forwarding unit
 * and subscribes to the others on a second one; the media is decrypted on the server's machine).
 * A meeting starts as a mesh and moves to the SFU when it reaches the server's `--sfu-from` size;
 * it does not move back.
 */
export const MediaRouteSchema = z.enum(['mesh', 'sfu']);
export type MediaRoute = z.infer<typeof MediaRouteSchema>;

/** What a participant sends, one m-line each: the same slots as the mesh's transceivers. */
export const MediaSlotSchema = z.enum(['audio', 'video', 'screen', 'screenAudio']);
export type MediaSlot = z.infer<typeof MediaSlotSchema>;

const SdpSchema = z.string().min(1).max(LIMITS.maxSdpChars);
const MidSchema = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'not a mid');

/**
 * The publisher's offer for its one sending connection (the first, or a renegotiation when a slot
 * is added): which mid carries which slot. The camera and the screen are sent as simulcast with
 * the rids `q`, `h` and `f` (a quarter, half and full size); the SFU answers.
 */
export const SfuPublishSchema = z.strictObject({
  sdp: SdpSchema,
  /** A new sending connection (the first, or after the last one failed): the old one is dropped. */
  fresh: z.boolean(),
  slots: z
    .array(z.strictObject({ mid: MidSchema, slot: MediaSlotSchema }))
    .min(1)
    .max(4),
});

/** The SFU's answer to a publish offer. */
export const SfuPublishReplySchema = z.strictObject({ sdp: SdpSchema });

/** Which mid of the subscribing connection carries whose slot. */
export const SfuTrackSchema = z.strictObject({ mid: MidSchema, from: ParticipantIdSchema, slot: MediaSlotSchema });
export type SfuTrack = z.infer<typeof SfuTrackSchema>;

/**
 * The SFU's offer for a participant's receiving connection, made whenever what it forwards to
 * them changes (someone publishes, adds a share, leaves). `revision` grows with each offer; the
 * answer names the one it answers, and an answer to an older one is ignored.
 */
export const SfuOfferSchema = z.strictObject({
  sdp: SdpSchema,
  revision: z.number().int().min(1),
  /** For a new receiving connection (after `sfu-subscribe`): the old one is gone. */
  fresh: z.boolean(),
  tracks: z.array(SfuTrackSchema).max(4 * 64),
});
export type SfuOffer = z.infer<typeof SfuOfferSchema>;

export const SfuAnswerSchema = z.strictObject({ sdp: SdpSchema, revision: z.number().int().min(1) });

/** Asks for a new receiving connection (the first, or after the last one failed): an `sfu-offer` with `fresh` follows. */
export const SfuSubscribeSchema = z.strictObject({
  /**
   * Back after our signaling dropped, with the receiving connection still up: keep it, and send
   * again an offer we did not answer (lost on the way, or our answer was). The SFU makes a new
   * connection (a fresh offer) if it has none for us, as after a restart.
   */
  resume: z.boolean().optional(),
});

/**
 * With `resume`: `held`, whether the SFU this request reached holds our sending connection. False
 * after the server restarted, or when another node took the meeting over (its SFU is not the one
 * we were sending to): publish again, at once (a fresh receiving connection is on its way too).
 */
export const SfuSubscribeReplySchema = z.strictObject({ held: z.boolean().optional() });

/**
 * How big the subscriber shows each participant's camera and screen, in device pixels (0 x 0: not
 * shown). The SFU forwards the smallest layer that covers it, and nothing for 0 x 0.
 */
export const SfuViewSchema = z.strictObject({
  views: z
    .array(
      z.strictObject({
        from: ParticipantIdSchema,
        slot: z.enum(['video', 'screen']),
        width: z.number().int().min(0).max(16384),
        height: z.number().int().min(0).max(16384),
      }),
    )
    .max(2 * 64),
});

/**
 * Which layers of our camera or screen (q, h, f: smallest first) someone is shown now. The others
 * may be paused, so that no one's machine encodes a size nobody watches; the smallest always stays.
 */
export const SfuLayersSchema = z.strictObject({
  slot: z.enum(['video', 'screen']),
  active: z.tuple([z.literal(true), z.boolean(), z.boolean()]),
});
export type SfuLayers = z.infer<typeof SfuLayersSchema>;

/** The meeting moved to another media route (`sfu-offer`s follow for the SFU). */
export const MediaRouteEventSchema = z.strictObject({ route: MediaRouteSchema });
