import type { CallState } from '../call/call-session';
import type { LocalMediaState } from '../call/local-media';
import type { LinkQuality } from '../call/quality';
import type { TileModel } from '../components/Stage';

/** The id of the tile that shows a participant's shared screen. */
export const screenTileId = (participantId: string): string => `${participantId}:screen`;

export interface TileInputs {
  call: CallState;
  local: LocalMediaState;
  selfId: string;
  activeSpeaker: string | null;
  pinned: string | null;
  /** Tiles whose video is shown even in an audio-first meeting (the speaker, the pinned). */
  audioFirst: boolean;
  focus: string | null;
  quality: Readonly<Record<string, LinkQuality>>;
  onTogglePin: (id: string) => void;
  /** What a shared screen's tile is called ("Bob's screen", in the current language). */
  screenName?: (name: string) => string;
}

/**
 * Every tile of the meeting, in the order the layout places them: screen shares first (the
 * layout gives them the big spot), then yourself, then everyone by joining.
 */
export function meetingTiles({
  call,
  local,
  selfId,
  activeSpeaker,
  pinned,
  audioFirst,
  focus,
  quality,
  onTogglePin,
  screenName = (name) => `${name}'s screen`,
}: TileInputs): TileModel[] {
  const raised = [...call.participants.map((p) => ({ id: p.id, hand: p.hand })), { id: selfId, hand: call.hand }]
    .filter((p) => p.hand !== null)
    .sort((a, b) => a.hand! - b.hand!);
  const handOrder = new Map(raised.map((p, i) => [p.id, i + 1]));
  const reactions = new Map<string, Array<{ key: string; emoji: string }>>();
  for (const r of call.reactions) reactions.set(r.from, [...(reactions.get(r.from) ?? []), { key: r.key, emoji: r.emoji }]);

  const shares = call.participants
    .filter((p) => p.media.screen && p.tracks.screen)
    .map<TileModel>((p) => ({
      participantId: screenTileId(p.id),
      name: screenName(p.name),
      isLocal: false,
      kind: 'screen',
      videoTrack: p.tracks.screen,
      audioOn: true,
      videoOn: true,
      pinned: pinned === screenTileId(p.id),
      onTogglePin: () => onTogglePin(screenTileId(p.id)),
    }));

  const self: TileModel = {
    participantId: selfId,
    name: call.self?.name ?? '',
    isLocal: true,
    videoTrack: local.videoTrack,
    audioOn: local.micEnabled && local.audioTrack !== null,
    videoOn: local.cameraEnabled,
    hand: call.hand,
    handOrder: handOrder.get(selfId),
    host: call.settings.hostId === selfId,
    pinned: pinned === selfId,
    onTogglePin: () => onTogglePin(selfId),
    reactions: reactions.get(selfId),
  };

  const others = call.participants.map<TileModel>((p) => ({
    participantId: p.id,
    name: p.name,
    isLocal: false,
    videoTrack: p.tracks.video,
    audioOn: p.media.audio,
    videoOn: p.media.video,
    videoAllowed: !audioFirst || p.id === focus || p.id === pinned,
    connection: p.connection,
    away: p.away,
    hand: p.hand,
    handOrder: handOrder.get(p.id),
    host: p.host,
    speaking: p.id === activeSpeaker,
    pinned: pinned === p.id,
    onTogglePin: () => onTogglePin(p.id),
    reactions: reactions.get(p.id),
    quality: quality[p.id],
  }));
  return [...shares, self, ...others];
}
