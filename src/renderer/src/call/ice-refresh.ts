/**
 * TURN credentials are short-lived (the server's default is 10 minutes). A relay already allocated
 * outlives them, but an ICE restart or a new connection needs valid ones: they are renewed this often.
 */
export const ICE_REFRESH_MS = 4 * 60_000;

export interface IceRefreshDeps {
  /** Gives the transport the servers for every connection from now on (ICE restarts included). */
  apply(servers: RTCIceServer[]): void;
  /** What to use when the meeting server hands out none. */
  fallback: RTCIceServer[];
  /** Asks the meeting server for fresh ones. */
  fetch(): Promise<RTCIceServer[] | undefined>;
  /** Whether we are in the meeting now (renewals wait while we are not). */
  active(): boolean;
}

/** The STUN/TURN servers the meeting server handed us, with TURN credentials renewed while we are in the meeting. */
export class IceServerRefresh {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: IceRefreshDeps) {}

  use(servers: RTCIceServer[] | undefined): void {
    this.deps.apply(servers ?? this.deps.fallback);
    this.stop();
    if (!servers?.some((server) => server.credential)) return;
    this.timer = setInterval(() => {
      if (!this.deps.active()) return;
      this.deps.fetch().then(
        (fresh) => this.use(fresh),
        () => undefined,
      );
    }, ICE_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
