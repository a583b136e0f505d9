import type { DiscoveredMeeting, HostingStatus, UntrustedCertificate } from '@shared/ipc/hosting';
import { Store, type ReadonlyStore } from '../call/store';

/**
 * The desktop app's lobby: meetings found on the network, hosting, and joining a server that
 * needs its certificate checked. The home screen reads it from here (a browser guest has none);
 * app/desktop-bridge.ts provides the desktop one.
 */

/** Who joins which meeting where, as the home screen chose it. */
export interface LobbyChoice {
  name: string;
  room: string;
  server: string;
  /** Start the meeting if nobody runs it (New meeting). */
  start?: boolean;
}

/** A server typed without a fingerprint presented a certificate nobody vouches for: the person compares its fingerprint. */
export interface UntrustedServer extends UntrustedCertificate {
  server: string;
  room: string;
  name: string;
}

/** What the home screen shows about the network: meetings found, and the one this app hosts. */
export interface LobbyState {
  /** False for a browser guest: no hosting, no discovery. */
  available: boolean;
  meetings: DiscoveredMeeting[];
  hosting: HostingStatus;
  busy: boolean;
  error: string | null;
  /** The fingerprint to compare before joining a server typed on the home screen, or null. */
  untrusted: UntrustedServer | null;
}

export interface Lobby {
  state: ReadonlyStore<LobbyState>;
  /** Hosts a meeting on this network and joins it. */
  host(name: string): Promise<void>;
  stopHosting(): Promise<void>;
  copyInvite(): Promise<string | null>;
  /** Opens the pre-join screen of an invite link (its certificate pinned by the app). */
  joinLink(link: string, name: string): Promise<void>;
  joinDiscovered(meeting: DiscoveredMeeting, name: string): Promise<void>;
  /**
   * A code and server typed on the home screen: an https server is checked by the app first, and
   * one with a self-signed certificate asks the person to compare its fingerprint (`untrusted`).
   */
  joinServer(choice: LobbyChoice): Promise<void>;
  /** The person compared the fingerprint of `untrusted` with the one the host shows: join with it. */
  trustAndJoin(): Promise<void>;
  /** Not the same fingerprint, or not now. */
  dismissUntrusted(): void;
  /**
   * Joins the meeting just left again; its certificate is checked again (leaving dropped its pin).
   * `startAgain`: the meeting is over and the person chose to start it again (AppController.rejoin).
   */
  rejoin(startAgain?: boolean): Promise<void>;
}

export const idleLobby: LobbyState = { available: false, meetings: [], hosting: { state: 'idle', lastError: null }, busy: false, error: null, untrusted: null };

/** The lobby of a browser guest: nothing to offer. */
export const noLobby: Lobby = {
  state: new Store(idleLobby),
  host: async () => undefined,
  stopHosting: async () => undefined,
  copyInvite: async () => null,
  joinLink: async () => undefined,
  joinDiscovered: async () => undefined,
  joinServer: async () => undefined,
  trustAndJoin: async () => undefined,
  dismissUntrusted: () => undefined,
  rejoin: async () => undefined,
};

let current: Lobby = noLobby;

/** The lobby the home screen shows (the desktop one once the bridge is installed). */
export function getLobby(): Lobby {
  return current;
}

/** The desktop bridge (app/desktop-bridge.ts) puts its lobby here; `noLobby` again when it goes. */
export function setLobby(lobby: Lobby): void {
  current = lobby;
}
