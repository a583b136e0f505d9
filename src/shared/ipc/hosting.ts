/**
 * Hosting a meeting on the LAN from the desktop app, finding meetings on the network, and joining
 * one by invite link (whose certificate fingerprint the app pins once the server presented it).
 */

/** Where to connect and which meeting to join; `fingerprint` pins the server's certificate. */
export interface JoinTarget {
  /** Origin of the meeting server, e.g. https://192.168.1.20:8443 */
  server: string;
  room: string;
  /** SHA-256 of the server's certificate (base64url), or null when it is not pinned. */
  fingerprint: string | null;
}

export interface InviteLink {
  address: string;
  url: string;
}

/** What a host shares: a short code people can read aloud, and a link for each LAN address. */
export interface Invite {
  code: string;
  meetingName: string;
  fingerprint: string;
  /** The fingerprint as people compare it: "AB:CD:…". */
  fingerprintText: string;
  links: InviteLink[];
}

export type HostingStatus =
  | { state: 'idle'; lastError: string | null }
  | {
      state: 'hosting';
      port: number;
      invite: Invite;
      /** How the host's own app joins: over loopback, pinned to its own certificate. */
      self: JoinTarget;
      /** People in the hosted meeting right now. */
      participants: number;
      /** Whether the meeting is announced on the network (DNS-SD). */
      announced: boolean;
    };

export interface HostOptions {
  meetingName?: string;
  /** The port to try first; the next free one is used when it is taken. */
  port?: number;
}

/**
 * A meeting announced on the network (DNS-SD `_roundtable._tcp`). Anyone on the LAN can announce
 * anything: its fingerprint is a hint, checked against the server only when the person joins it.
 */
export interface DiscoveredMeeting {
  id: string;
  meetingName: string;
  code: string;
  fingerprint: string | null;
  protocol: number;
  /** False when it speaks another protocol version than this app. */
  compatible: boolean;
  port: number;
  addresses: string[];
  /** The invite link for the best address. */
  url: string;
}

/** Join by invite link, or by meeting code and server address. */
export type InviteRequest = { link: string } | { server: string; room: string };

/**
 * A server address typed without a fingerprint whose certificate the usual checks do not accept
 * (a meeting hosted on a LAN has a self-signed one): resolve-invite fails with this, and the person
 * compares the fingerprint with the one the host shows before joining with it.
 */
export interface UntrustedCertificate {
  /** `host:port` of the server. */
  host: string;
  /** The presented certificate's SHA-256 fingerprint as people compare it: "AB:CD:…". */
  fingerprintText: string;
}

const UNTRUSTED = /The server at (\S+) presented a certificate this computer cannot check\b.*?Its fingerprint is ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\./s;

/**
 * The message of resolve-invite's untrusted-certificate error. IPC carries only an error's message,
 * so this is its wire form too: readUntrustedCertificate() reads it back on the other side.
 */
export function untrustedCertificateMessage({ host, fingerprintText }: UntrustedCertificate): string {
  return (
    `The server at ${host} presented a certificate this computer cannot check (no authority it trusts vouches for it; ` +
    `a meeting hosted on a local network never has one). Its fingerprint is ${fingerprintText}. ` +
    'Compare it with the fingerprint the host shows, and join only if they match.'
  );
}

/** The untrusted certificate an error message (maybe with Electron's "Error invoking remote method…" prefix) is about, or null. */
export function readUntrustedCertificate(message: string): UntrustedCertificate | null {
  const match = UNTRUSTED.exec(message);
  return match ? { host: match[1]!, fingerprintText: match[2]! } : null;
}

export interface CertificateRefused {
  host: string;
  message: string;
}

export interface HostingChannels {
  'hosting:status': { args: []; result: HostingStatus };
  'hosting:start': { args: [options?: HostOptions]; result: HostingStatus };
  'hosting:stop': { args: []; result: HostingStatus };
  'hosting:copy-invite': { args: []; result: string | null };
  'hosting:discovered': { args: []; result: DiscoveredMeeting[] };
  'hosting:resolve-invite': { args: [request: InviteRequest]; result: JoinTarget };
}

export const HOSTING_CHANNELS = [
  'hosting:status',
  'hosting:start',
  'hosting:stop',
  'hosting:copy-invite',
  'hosting:discovered',
  'hosting:resolve-invite',
] as const satisfies ReadonlyArray<keyof HostingChannels>;

export interface HostingEvents {
  'hosting:status': HostingStatus;
  'hosting:discovered': DiscoveredMeeting[];
  /** The app refused a server's certificate because it is not the pinned one. */
  'hosting:certificate-refused': CertificateRefused;
}

export interface HostingApi {
  status(): Promise<HostingStatus>;
  /** Starts the meeting server on the LAN (or returns the running one). The caller then joins `self`. */
  start(options?: HostOptions): Promise<HostingStatus>;
  /** Ends the meeting for everyone and stops announcing it. */
  stop(): Promise<HostingStatus>;
  /** Copies the invite (code and links) to the clipboard; returns what was copied. */
  copyInvite(): Promise<string | null>;
  discovered(): Promise<DiscoveredMeeting[]>;
  /**
   * Checks an invite link (or code + server address) and says where to connect. With a fingerprint
   * (the link's `fp`), the server must present exactly that certificate, which is then pinned for
   * its host:port; without one, its certificate must pass the usual checks, or this fails with the
   * untrusted-certificate error (see readUntrustedCertificate).
   */
  resolveInvite(request: InviteRequest): Promise<JoinTarget>;
}
