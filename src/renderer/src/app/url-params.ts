import { normalizeMeetingCode } from './meeting-code';

export interface LaunchParams {
  room: string | null;
  name: string | null;
  autojoin: boolean;
}

/** `?room=ROOM&name=NAME&autojoin=1` (what invite links and tests use). */
export function parseLaunchParams(search: string): LaunchParams {
  const params = new URLSearchParams(search);
  const room = normalizeMeetingCode(params.get('room') ?? '');
  const name = params.get('name')?.trim().slice(0, 64) || null;
  const autojoin = params.get('autojoin') === '1' && room !== null && name !== null;
  return { room, name, autojoin };
}
