import { formatFingerprint, parseFingerprint } from '@roundtable/signaling-server';
import { untrustedCertificateMessage, type Invite, type JoinTarget } from '@shared/ipc/hosting';
import { DesktopError } from '@shared/ipc/result';
import { normalizeCode } from './meeting-code';

/** An invite link or server address that cannot be used (or its server reached); the message says why, for people. */
export class InviteError extends DesktopError {
  constructor(message: string, code: 'invalid-invite' | 'unreachable' | 'untrusted-certificate' = 'invalid-invite', details?: Record<string, string>) {
    super(code, message, details);
    this.name = 'InviteError';
  }
}

/**
 * A server address given without a fingerprint presented a certificate the usual checks refuse
 * (self-signed, as every meeting hosted on a LAN is). Nothing was pinned; the person may compare
 * the fingerprint with the one the host shows and join with it.
 */
export class UntrustedCertificateError extends InviteError {
  /** "AB:CD:…" */
  readonly fingerprintText: string;
  constructor(
    /** `host:port` */
    readonly host: string,
    /** The presented certificate's fingerprint (canonical). */
    readonly fingerprint: string,
    /** Why the usual checks refused it (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
    readonly reason: string,
  ) {
    const fingerprintText = formatFingerprint(fingerprint);
    // The details are what the renderer reads (readUntrustedCertificate): the words are for people.
    super(untrustedCertificateMessage({ host, fingerprintText }), 'untrusted-certificate', { host, fingerprint, fingerprintText });
    this.name = 'UntrustedCertificateError';
    this.fingerprintText = fingerprintText;
  }
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `https://ADDRESS:PORT/?room=CODE&fp=FINGERPRINT`: opens the web client in a browser, and pins the certificate in the app. */
export function inviteLink(address: string, port: number, code: string, fingerprint: string): string {
  const params = new URLSearchParams({ room: code, fp: fingerprint });
  return `https://${hostForUrl(address)}:${port}/?${params}`;
}

export function buildInvite(options: { code: string; meetingName: string; port: number; addresses: readonly string[]; fingerprint: string }): Invite {
  const { code, meetingName, port, addresses, fingerprint } = options;
  return {
    code,
    meetingName,
    fingerprint,
    fingerprintText: formatFingerprint(fingerprint),
    links: addresses.map((address) => ({ address, url: inviteLink(address, port, code, fingerprint) })),
  };
}

/** The invite as text for the clipboard: what a person pastes into a chat. */
export function inviteText(invite: Invite): string {
  const links = invite.links.map((link) => `  ${link.url}`).join('\n');
  return `Join "${invite.meetingName}" on Roundtable — meeting code ${invite.code}\n${links}\nCertificate fingerprint (SHA-256): ${invite.fingerprintText}\n`;
}

function parseUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InviteError(`That is not a ${what}: paste the whole link, starting with https://`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InviteError(`A ${what} starts with https:// or http://`);
  if (url.username || url.password) throw new InviteError(`A ${what} carries no user name or password`);
  return url;
}

/** Reads an invite link: where the server is, which meeting, and which certificate to expect. */
export function parseInviteLink(text: string): JoinTarget {
  const url = parseUrl(text, 'meeting link');
  const room = normalizeCode(url.searchParams.get('room') ?? '');
  if (!room) throw new InviteError('This link has no meeting code in it. Ask for the invite link, or enter the code and the server address.');
  const fp = url.searchParams.get('fp');
  let fingerprint: string | null = null;
  if (fp !== null) {
    fingerprint = parseFingerprint(fp);
    if (!fingerprint) throw new InviteError("This link's certificate fingerprint is damaged; ask for the link again.");
    if (url.protocol !== 'https:') throw new InviteError('This link pins a certificate but does not use https://; ask for the link again.');
  }
  return { server: url.origin, room, fingerprint };
}

/** A meeting code and a server address typed by hand (host:port or a link). */
export function parseServerAndCode(server: string, room: string): JoinTarget {
  const trimmed = server.trim();
  const url = parseUrl(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`, 'server address');
  const code = normalizeCode(room);
  if (!code) throw new InviteError('A meeting code uses letters, digits and dashes, like calm-otter-42.');
  const fp = url.searchParams.get('fp');
  const fingerprint = fp === null ? null : parseFingerprint(fp);
  return { server: url.origin, room: code, fingerprint };
}
