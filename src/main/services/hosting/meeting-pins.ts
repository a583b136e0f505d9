import type { HostingStatus } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';
import { sameEndpoint, type CertificatePins } from './certificate-pins';

/** What MeetingPins needs of the hosting service. */
export interface HostingStatusSource {
  status(): HostingStatus;
  events: { on(event: 'status', listener: (status: HostingStatus) => void): unknown; off(event: 'status', listener: (status: HostingStatus) => void): unknown };
}

/** Every address the app's own meeting is reached at: its loopback origin and its invite links. */
function ownServers(status: Extract<HostingStatus, { state: 'hosting' }>): string[] {
  return [status.self.server, ...status.invite.links.map((link) => new URL(link.url).origin)];
}

/**
 * How long pins live. resolve-invite sets a meeting's pin when the person chooses it; this drops it
 * when they leave that meeting (the renderer reports 'left', or goes 'home' from its pre-join
 * screen) or when the renderer goes away. The app's own hosted meeting is pinned from the moment it
 * is hosted until hosting stops, whatever the renderer does.
 */
export class MeetingPins {
  /** The servers pinned for the hosted meeting, to unpin when it stops. */
  private hosted: string[] = [];
  private readonly onStatus = (status: HostingStatus): void => this.hostingChanged(status);

  constructor(
    private readonly pins: CertificatePins,
    private readonly hosting: HostingStatusSource,
  ) {
    hosting.events.on('status', this.onStatus);
    this.hostingChanged(hosting.status());
  }

  /** A (validated) report from the renderer: leaving a meeting, or going home, drops its pin. */
  report(report: MeetingReport): void {
    if ((report.stage === 'left' || report.stage === 'home') && report.server) this.release(report.server);
  }

  /** The renderer went away (closed, crashed, reloaded): only the hosted meeting stays pinned. */
  rendererGone(): void {
    for (const { server } of this.pins.list()) this.release(server);
  }

  dispose(): void {
    this.hosting.events.off('status', this.onStatus);
  }

  private release(server: string): void {
    if (this.hosted.some((own) => sameEndpoint(own, server))) return;
    this.pins.unpin(server);
  }

  private hostingChanged(status: HostingStatus): void {
    if (status.state === 'hosting') {
      const servers = ownServers(status);
      for (const server of servers) this.pins.pin(server, status.invite.fingerprint);
      // A meeting hosted anew (another port, another address) no longer needs the old addresses.
      for (const old of this.hosted) if (!servers.some((server) => sameEndpoint(server, old))) this.pins.unpin(old);
      this.hosted = servers;
      return;
    }
    const ended = this.hosted;
    this.hosted = [];
    for (const server of ended) this.pins.unpin(server);
  }
}
