import { normalizeMeetingCode } from '../platform/meeting-code';

export interface LaunchParams {
  room: string | null;
  /** `room=` as the link gave it when it is not a meeting code (a Cyrillic one, say): shown with why. */
  roomAsGiven: string | null;
  name: string | null;
  autojoin: boolean;
  /** `start=1`: start the meeting if nobody runs it yet (as New meeting does); otherwise wait for its host. */
  start: boolean;
  /** `budget=0` turns the per-peer video budget off (for comparisons). */
  budget: boolean;
  /** Past this many people the meeting is audio-first (`audioFirst=N`, 2..100, default 8). */
  audioFirstAbove: number;
  /** The layout to start in (`layout=speaker`); grid otherwise. */
  layout: 'grid' | 'speaker';
  /** The meeting's passcode when the invite link carries it (`pwd=`). */
  passcode: string | null;
  /** `relay=1`: media only through the meeting's TURN relay, so the others never see our addresses. */
  relayOnly: boolean;
}

export const DEFAULT_AUDIO_FIRST_ABOVE = 8;

/** `?room=ROOM&name=NAME&autojoin=1[&start=1]` (what invite links and tests use). */
export function parseLaunchParams(search: string): LaunchParams {
  const params = new URLSearchParams(search);
  const given = params.get('room')?.trim().slice(0, 64) || null;
  const room = normalizeMeetingCode(given ?? '');
  const name = params.get('name')?.trim().slice(0, 64) || null;
  const autojoin = params.get('autojoin') === '1' && room !== null && name !== null;
  const audioFirst = Number(params.get('audioFirst'));
  const audioFirstAbove = Number.isInteger(audioFirst) && audioFirst >= 2 && audioFirst <= 100 ? audioFirst : DEFAULT_AUDIO_FIRST_ABOVE;
  const layout = params.get('layout') === 'speaker' ? 'speaker' : 'grid';
  const passcode = params.get('pwd')?.slice(0, 64) || null;
  const start = params.get('start') === '1';
  return {
    room,
    roomAsGiven: room === null ? given : null,
    name,
    autojoin,
    start,
    budget: params.get('budget') !== '0',
    audioFirstAbove,
    layout,
    passcode,
    relayOnly: params.get('relay') === '1',
  };
}
