import type { ReactElement } from 'react';

interface Props {
  room: string;
  onLeave: () => void;
  /** Start the meeting ourselves: offered when we did not ask to start it (it may not be running yet). */
  onStart?: (() => void) | undefined;
}

/**
 * Waiting to be let in. The server answers the same whether the meeting has a waiting room or has
 * not started yet (so trying codes tells a stranger nothing), and so does this screen.
 */
export function WaitingScreen({ room, onLeave, onStart }: Props): ReactElement {
  return (
    <main className="home">
      <section className="card home-card waiting-card" data-testid="waiting-screen" aria-live="polite">
        <div className="spinner" aria-hidden="true" />
        <h1>Waiting for the host</h1>
        <p className="muted">
          You are waiting to join <strong>{room}</strong>. You will be in as soon as the host lets you in, or starts the meeting.
        </p>
        {onStart && (
          <p className="muted">
            Is this your meeting? If it has not started,{' '}
            <button type="button" className="link-button" data-testid="start-meeting" onClick={onStart}>
              start it now
            </button>
            .
          </p>
        )}
        <div className="row end">
          <button type="button" className="secondary" data-testid="leave-button" onClick={onLeave}>
            Leave
          </button>
        </div>
      </section>
    </main>
  );
}
