export const APP_TITLE = 'Roundtable';

/**
 * The tab's (and window's) title in a meeting: which meeting, and whether it is being recorded or
 * one's screen shared, e.g. "● Recording · ocean-ladder – Roundtable".
 */
export function meetingTitle({ room, recording, sharing }: { room: string; recording: boolean; sharing: boolean }): string {
  const states = [recording ? '● Recording' : '', sharing ? 'Sharing your screen' : ''].filter(Boolean);
  return [...states, `${room} – ${APP_TITLE}`].join(' · ');
}
