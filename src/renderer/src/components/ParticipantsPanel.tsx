import type { ReactElement } from 'react';
import { Avatar } from './Avatar';
import { Icon } from './Icons';

export interface ParticipantRow {
  id: string;
  name: string;
  isLocal: boolean;
  audioOn: boolean;
  videoOn: boolean;
  hand: number | null;
}

/** Everyone with their state; raised hands first, in the order they were raised. */
export function ParticipantsPanel({ people, onClose }: { people: ParticipantRow[]; onClose: () => void }): ReactElement {
  const raised = people.filter((p) => p.hand !== null).sort((a, b) => a.hand! - b.hand!);
  const others = people.filter((p) => p.hand === null);
  const row = (p: ParticipantRow, order?: number): ReactElement => (
    <li key={p.id} className="person" data-testid="participant-row" data-participant-id={p.id}>
      <Avatar name={p.name} seed={p.id} />
      <span className="person-name">
        {p.name}
        {p.isLocal && <span className="muted"> (you)</span>}
      </span>
      {order !== undefined && (
        <span className="person-hand" data-testid="hand-order" title="Raised a hand">
          ✋ {order}
        </span>
      )}
      <span className={p.audioOn ? 'person-state' : 'person-state off'} title={p.audioOn ? 'Microphone on' : 'Muted'}>
        <Icon name={p.audioOn ? 'mic' : 'micOff'} size={16} />
      </span>
      <span className={p.videoOn ? 'person-state' : 'person-state off'} title={p.videoOn ? 'Camera on' : 'Camera off'}>
        <Icon name={p.videoOn ? 'camera' : 'cameraOff'} size={16} />
      </span>
    </li>
  );
  return (
    <aside className="side-panel" aria-label="Participants" data-testid="participants-panel">
      <header>
        <h2>People ({people.length})</h2>
        <button type="button" className="icon-button" onClick={onClose} title="Close">
          ×
        </button>
      </header>
      <ol className="people-list">
        {raised.map((p, i) => row(p, i + 1))}
        {others.map((p) => row(p))}
      </ol>
    </aside>
  );
}
