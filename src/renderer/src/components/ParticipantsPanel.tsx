import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { BanList, HostSettings, RoomSettings, WaitingPerson } from '@roundtable/signaling-server/protocol';
import { Avatar } from './Avatar';
import { HostMenu } from './HostMenu';
import { Icon } from './Icons';
import { MeetingSettings } from './MeetingSettings';
import { WaitingQueue } from './WaitingQueue';

export interface ParticipantRow {
  id: string;
  name: string;
  isLocal: boolean;
  audioOn: boolean;
  videoOn: boolean;
  hand: number | null;
  host: boolean;
}

export interface HostPanelActions {
  askToUnmute: (id: string) => void;
  mute: (id: string) => void;
  stopVideo: (id: string) => void;
  makeHost: (id: string) => void;
  remove: (id: string) => void;
  admit: (id: string) => void;
  deny: (id: string) => void;
  admitAll: () => void;
  unban: (id: string) => void;
  changeSettings: (change: HostSettings) => Promise<void>;
}

interface Props {
  people: ParticipantRow[];
  isHost: boolean;
  settings: RoomSettings;
  waiting: readonly WaitingPerson[];
  /** For the host: who was removed, and stays out until let back. */
  banned: BanList['banned'];
  host: HostPanelActions;
  onClose: () => void;
  /** For the host: opens the meeting's record. */
  onOpenRecord?: () => void;
}

/** Everyone with their state; raised hands first, in the order they were raised. The host's controls live here. */
export function ParticipantsPanel({ people, isHost, settings, waiting, banned, host, onClose, onOpenRecord }: Props): ReactElement {
  const raised = people.filter((p) => p.hand !== null).sort((a, b) => a.hand! - b.hand!);
  const others = people.filter((p) => p.hand === null);
  const { t } = useTranslation();
  const row = (p: ParticipantRow, order?: number): ReactElement => (
    <li key={p.id} className="person" data-testid="participant-row" data-participant-id={p.id}>
      <Avatar name={p.name} seed={p.id} />
      <span className="person-name">
        {p.name}
        {p.isLocal && <span className="muted">{t('people.you')}</span>}
        {p.host && <span className="host-badge">{t('people.host')}</span>}
      </span>
      {order !== undefined && (
        <span className="person-hand" data-testid="hand-order" title={t('people.handRaised')}>
          ✋ {order}
        </span>
      )}
      <span className={p.audioOn ? 'person-state' : 'person-state off'} title={p.audioOn ? t('people.micOn') : t('people.muted')}>
        <Icon name={p.audioOn ? 'mic' : 'micOff'} size={16} />
      </span>
      <span className={p.videoOn ? 'person-state' : 'person-state off'} title={p.videoOn ? t('people.cameraOn') : t('people.cameraOff')}>
        <Icon name={p.videoOn ? 'camera' : 'cameraOff'} size={16} />
      </span>
      {isHost && !p.isLocal && (
        <HostMenu
          name={p.name}
          audioOn={p.audioOn}
          videoOn={p.videoOn}
          actions={{
            askToUnmute: () => host.askToUnmute(p.id),
            mute: () => host.mute(p.id),
            stopVideo: () => host.stopVideo(p.id),
            makeHost: () => host.makeHost(p.id),
            remove: () => host.remove(p.id),
          }}
        />
      )}
    </li>
  );
  return (
    <aside className="side-panel" aria-label={t('people.panel')} data-testid="participants-panel">
      <header>
        <h2>{t('people.heading', { count: people.length })}</h2>
        <button type="button" className="icon-button" onClick={onClose} title={t('people.close')} aria-label={t('people.close')}>
          ×
        </button>
      </header>
      {isHost && <WaitingQueue waiting={waiting} onAdmit={host.admit} onDeny={host.deny} onAdmitAll={host.admitAll} />}
      {isHost && onOpenRecord && (
        <button type="button" className="secondary small" data-testid="open-meeting-record" onClick={onOpenRecord}>
          {t('meetingRecord.open')}
        </button>
      )}
      <ol className="people-list">
        {raised.map((p, i) => row(p, i + 1))}
        {others.map((p) => row(p))}
      </ol>
      {isHost && banned.length > 0 && (
        <section className="banned-list" data-testid="banned-list" aria-label={t('people.removedRegion')}>
          <h3>{t('people.removedHeading', { count: banned.length })}</h3>
          <ul>
            {banned.map((person) => (
              <li key={person.id} className="person" data-testid="banned-row" data-participant-id={person.id}>
                <Avatar name={person.name} seed={person.id} />
                <span className="person-name">
                  {person.name}
                  <span className="muted person-note">{t('people.removedAt', { at: new Date(person.at) })}</span>
                </span>
                <button type="button" className="secondary small" data-testid="unban-button" onClick={() => host.unban(person.id)}>
                  {t('people.letBack')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {isHost && <MeetingSettings settings={settings} onChange={host.changeSettings} />}
    </aside>
  );
}
