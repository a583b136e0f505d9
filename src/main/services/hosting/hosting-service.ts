import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:https';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import {
  createSignalingServer,
  createWebClientHandler,
  loadOrCreateCertificate,
  SqliteStore,
  silentLogger,
  startSfu,
  type Logger,
  type RunningSfu,
  type SfuLauncher,
  type SignalingOptions,
  type SignalingServer,
  type StoredCertificate,
} from '@roundtable/signaling-server';
import type { HostingStatus, HostOptions, Invite } from '@shared/ipc/hosting';
import type { Discovery } from './discovery';
import { buildInvite } from './invite';
import { lanAddresses } from './lan-addresses';
import { listenWithFallback } from './listen';
import { hostedMeetingCode, normalizeCode } from './meeting-code';
import { SerialQueue } from '@shared/serial';
import { errorMessage } from '@shared/errors';
import { DesktopError } from '@shared/ipc/result';

export const DEFAULT_HOSTING_PORT = 8443;

export interface HostingServiceOptions {
  /** The app's data folder: the certificate lives in its `tls/` subfolder. */
  dataDir: string;
  /** The built renderer, served to browser guests. */
  webRoot?: string;
  /** Where to listen: every interface by default, so the LAN can reach the meeting. */
  listenHost?: string;
  preferredPort?: number;
  /** The addresses put in invite links; the machine's LAN addresses by default. */
  addresses?: () => string[];
  /** Announces hosted meetings on the network; null hosts without announcing. */
  discovery?: Discovery | null;
  hostName?: string;
  log?: Logger;
  signaling?: SignalingOptions;
  /**
   * Starts the SFU process big meetings move to (Electron's utilityProcess in the app, a child
   * process in tests), with the meeting and stopped with it; without it every meeting is a mesh.
   */
  sfu?: SfuLauncher;
}

export interface StartOptions extends HostOptions {
  /** The meeting code; a readable random one by default. */
  code?: string;
}

interface Running {
  https: Server;
  signaling: SignalingServer;
  sfu: RunningSfu | null;
  certificate: StoredCertificate;
  port: number;
  invite: Invite;
  participants: number;
  unannounce: (() => Promise<void>) | null;
}

/**
 * Hosts one meeting at a time from the desktop app: the bundled signaling server on an HTTPS/WSS
 * server of its own (self-signed certificate kept in the data folder), announced on the LAN.
 * No Electron here; the shell and the tray drive it.
 */
export class HostingService {
  readonly events = new EventEmitter<{ status: [HostingStatus] }>();
  private running: Running | null = null;
  /** Why the last start failed, in the system's words (the UI says "Could not host the meeting" around it). */
  private lastError: string | null = null;
  /** start() and stop() run one after the other, never interleaved. */
  /** Start and stop run one at a time. */
  private readonly queue = new SerialQueue();

  constructor(private readonly options: HostingServiceOptions) {}

  status(): HostingStatus {
    const running = this.running;
    if (!running) return { state: 'idle', lastError: this.lastError };
    return {
      state: 'hosting',
      port: running.port,
      invite: running.invite,
      self: { server: `https://127.0.0.1:${running.port}`, room: running.invite.code, fingerprint: running.certificate.fingerprint },
      participants: running.participants,
      announced: running.unannounce !== null,
    };
  }

  /** The certificate fingerprint of the running meeting, if any. */
  get fingerprint(): string | null {
    return this.running?.certificate.fingerprint ?? null;
  }

  /** Starts hosting, or returns what is already being hosted. */
  start(options: StartOptions = {}): Promise<HostingStatus> {
    return this.queue.run(async () => {
      if (this.running) return this.status();
      try {
        this.running = await this.launch(options);
        this.lastError = null;
      } catch (error) {
        const reason = errorMessage(error);
        this.lastError = reason;
        this.emit();
        throw new DesktopError('hosting-failed', `Could not host the meeting: ${reason}`, { reason });
      }
      this.emit();
      return this.status();
    });
  }

  /**
   * Ends the meeting for everyone (they are told why: the host stopped hosting, or quit the app),
   * stops announcing it and closes the server.
   */
  stop(why: 'stopped' | 'quit' = 'stopped'): Promise<HostingStatus> {
    return this.queue.run(async () => {
      const running = this.running;
      if (!running) return this.status();
      this.running = null;
      const meetingName = running.invite.meetingName;
      // Each guest's app words the code in its own language; the message is for logs.
      running.signaling.endMeeting(
        why === 'quit'
          ? { reason: 'host-stopped', code: 'host-quit', meetingName, message: 'The host quit Roundtable.' }
          : { reason: 'host-stopped', code: 'host-stopped', meetingName, message: `The host stopped hosting "${meetingName}".` },
      );
      await Promise.all([running.unannounce?.().catch((error: Error) => this.log.warn(`could not withdraw the announcement: ${error.message}`)), delay(250)]);
      await running.signaling.close();
      await running.sfu?.stop();
      this.emit();
      return this.status();
    });
  }

  private get log(): Logger {
    return this.options.log ?? silentLogger;
  }

  private async launch(options: StartOptions): Promise<Running> {
    const hostName = this.options.hostName ?? osHostname();
    const addresses = (this.options.addresses ?? (() => lanAddresses()))();
    const certificate = await loadOrCreateCertificate({
      dataDir: this.options.dataDir,
      commonName: `Roundtable on ${hostName}`,
      dnsNames: [hostName, `${hostName}.local`, 'localhost'].filter((n) => /^[A-Za-z0-9.-]+$/.test(n)),
      ipAddresses: [...addresses, '127.0.0.1'],
    });
    const meetingName = (options.meetingName?.trim() || `Meeting on ${hostName}`).slice(0, 64);
    const code = options.code === undefined ? hostedMeetingCode() : normalizeCode(options.code);
    if (!code) throw new Error(`"${options.code}" cannot be a meeting code`);

    const handler = createWebClientHandler(this.options.webRoot, { serverName: meetingName });
    const https = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => void handler(req, res));
    // Meetings and their chat survive the app's restarts, in the data folder next to the certificate.
    const store = await SqliteStore.open(join(this.options.dataDir, 'chat.db'));
    const listenHost = this.options.listenHost ?? '0.0.0.0';
    const sfu = await this.startSfu(listenHost);
    const signaling = createSignalingServer(
      https,
      { log: this.log, store, ...(sfu ? { sfu } : {}) },
      signalingOptions(hostName, addresses, this.options.signaling),
    );
    let port: number;
    try {
      port = await listenWithFallback(https, listenHost, options.port ?? this.options.preferredPort ?? DEFAULT_HOSTING_PORT);
    } catch (error) {
      await signaling.close();
      await sfu?.stop();
      throw error;
    }
    const invite = buildInvite({ code, meetingName, port, addresses: addresses.length > 0 ? addresses : ['127.0.0.1'], fingerprint: certificate.fingerprint });
    const running: Running = { https, signaling, sfu, certificate, port, invite, participants: 0, unannounce: null };

    // Keep the participant count current for the tray: recount whenever someone enters or leaves.
    const recount = (room: string): void => {
      if (room !== code) return;
      setImmediate(() => {
        if (this.running !== running) return;
        const participants = signaling.registry.members(code).length;
        if (participants === running.participants) return;
        running.participants = participants;
        this.emit();
      });
    };
    signaling.io.of('/').adapter.on('join-room', recount);
    signaling.io.of('/').adapter.on('leave-room', recount);

    if (this.options.discovery) {
      try {
        running.unannounce = await this.options.discovery.announce({ meetingName, code, fingerprint: certificate.fingerprint, port });
      } catch (error) {
        this.log.warn(`hosting without announcing the meeting: ${(error as Error).message}`);
      }
    }
    this.log.info(`hosting "${meetingName}" (${code}) on port ${port}`);
    return running;
  }

  /** The SFU process, bound where the meeting listens; a meeting hosted without one stays a mesh. */
  private async startSfu(bindAddress: string): Promise<RunningSfu | null> {
    if (!this.options.sfu) return null;
    try {
      return await startSfu(this.options.sfu, { bindAddress }, this.log);
    } catch (error) {
      this.log.warn(`hosting without the SFU (meetings stay peer to peer): ${(error as Error).message}`);
      return null;
    }
  }

  private emit(): void {
    this.events.emit('status', this.status());
  }
}

/**
 * The hosted server's options: browsers may connect only from its own pages (the strict default,
 * never `Host`-based), and its own names include every name the invite links and the certificate
 * use (the host name, its `.local`, the advertised addresses), even when they are not this
 * machine's interface addresses or `os.hostname()` (an address behind port forwarding, a name the
 * user chose).
 */
function signalingOptions(hostName: string, addresses: readonly string[], options: SignalingOptions = {}): SignalingOptions {
  return { ...options, extraHostNames: [...(options.extraHostNames ?? []), hostName, `${hostName}.local`, ...addresses] };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
