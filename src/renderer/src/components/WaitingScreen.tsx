import type { ReactElement } from 'react';

export function WaitingScreen({ room, onLeave }: { room: string; onLeave: () => void }): ReactElement {
  return (
    <main className="home">
      <section className="card home-card waiting-card" data-testid="waiting-screen" aria-live="polite">
        <div className="spinner" aria-hidden="true" />
        <h1>Waiting for the host to let you in</h1>
        <p className="muted">
          You are in the waiting room of <strong>{room}</strong>. The host has been told you are here.
        </p>
        <div className="row end">
          <button type="button" className="secondary" data-testid="leave-button" onClick={onLeave}>
            Leave
          </button>
        </div>
      </section>
    </main>
  );
}
