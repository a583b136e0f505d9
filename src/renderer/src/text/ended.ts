import { t } from './i18n';

/**
 * Why the meeting ended for us, as the server said it: `meeting-ended` (ended-by-host,
 * host-stopped, server-shutdown) or `sent-away` (denied, removed), with its message.
 */
export interface EndedReason {
  reason: 'ended-by-host' | 'host-stopped' | 'server-shutdown' | 'denied' | 'removed' | null;
  /** The server's own sentence (English): where it names someone or something, that name is taken from it. */
  message: string | null;
}

/** The sentence for why we are out of the meeting, in the current language, worded from the server's reason. */
export function endedText({ reason, message }: EndedReason): string | null {
  const said = message ?? '';
  switch (reason) {
    case 'ended-by-host':
      return t('ended.byHost');
    case 'host-stopped': {
      if (said === 'The host quit Roundtable.') return t('ended.hostQuit');
      const meeting = /^The host stopped hosting "(.*)"\.$/s.exec(said)?.[1];
      return meeting ? t('ended.hostStopped', { meeting }) : t('ended.hostStoppedUnnamed');
    }
    case 'server-shutdown':
      return t('ended.serverShutdown');
    case 'denied':
      return said.startsWith('The meeting ended') ? t('ended.endedWhileWaiting') : t('ended.denied');
    case 'removed': {
      const host = /^(.+) removed you from the meeting\.$/s.exec(said)?.[1];
      return host ? t('ended.removedBy', { host }) : t('ended.removed');
    }
    case null:
      return message;
  }
}
