import { t } from '../text/i18n';

export const APP_TITLE = 'Roundtable';

/**
 * The tab's (and window's) title in a meeting: which meeting, and whether it is being recorded or
 * one's screen shared, e.g. "● Recording · ocean-ladder – Roundtable" (in the current language).
 */
export function meetingTitle({ room, recording, sharing }: { room: string; recording: boolean; sharing: boolean }): string {
  const states = [recording ? t('title.recording') : '', sharing ? t('title.sharing') : ''].filter(Boolean);
  return [...states, `${room} – ${APP_TITLE}`].join(' · ');
}
