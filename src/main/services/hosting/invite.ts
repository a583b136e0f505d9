import { formatFingerprint, parseFingerprint } from '@roundtable/signaling-server';
import { untrustedCertificateMessage, type Invite, type InviteProblemDetails, type JoinTarget } from '@shared/ipc/hosting';
import { DesktopError, type DesktopErrorDetails } from '@shared/ipc/result';
import { englishText, type Translate } from '../../text/desktop-text';
import { normalizeCode } from './meeting-code';

/** An invite link or server address that cannot be used (or its server reached); the message says why, for people. */
export class InviteError extends DesktopError {
  constructor(message: string, code: 'invalid-invite' | 'unreachable' | 'untrusted-certificate' = 'invalid-invite', details?: DesktopErrorDetails) {
    super(code, message, details);
    this.name = 'InviteError';
  }
}

/** An invite link or server address that cannot be used: its problem as a code (the UI words it) and in English (logs). */
function unusable(message: string, details: InviteProblemDetails): InviteError {
  return new InviteError(message, 'invalid-invite', details);
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

/** The invite as text for the clipboard, in the app's language (`t`): what a person pastes into a chat. */
export function inviteText(invite: Invite, t: Translate = englishText): string {
  const links = invite.links.map((link) => `  ${link.url}`).join('\n');
  return t('invite.text', { meeting: invite.meetingName, code: invite.code, links, fingerprint: invite.fingerprintText });
}

function parseUrl(text: string, what: 'link' | 'server'): URL {
  const named = what === 'link' ? 'meeting link' : 'server address';
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw unusable(`That is not a ${named}: paste the whole link, starting with https://`, { problem: 'not-a-url', what });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw unusable(`A ${named} starts with https:// or http://`, { problem: 'not-http', what });
  if (url.username || url.password) throw unusable(`A ${named} carries no user name or password`, { problem: 'has-credentials', what });
  return url;
}

/** Reads an invite link: where the server is, which meeting, and which certificate to expect. */
export function parseInviteLink(text: string): JoinTarget {
  const url = parseUrl(text, 'link');
  const room = normalizeCode(url.searchParams.get('room') ?? '');
  if (!room) throw unusable('This link has no meeting code in it. Ask for the invite link, or enter the code and the server address.', { problem: 'no-code' });
  const fp = url.searchParams.get('fp');
  let fingerprint: string | null = null;
  if (fp !== null) {
    fingerprint = parseFingerprint(fp);
    if (!fingerprint) throw unusable("This link's certificate fingerprint is damaged; ask for the link again.", { problem: 'damaged-fingerprint' });
    if (url.protocol !== 'https:')
      throw unusable('This link pins a certificate but does not use https://; ask for the link again.', { problem: 'pin-without-https' });
  }
  return { server: url.origin, room, fingerprint };
}

/** A meeting code and a server address typed by hand (host:port or a link). */
export function parseServerAndCode(server: string, room: string): JoinTarget {
  const trimmed = server.trim();
  const url = parseUrl(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`, 'server');
  const code = normalizeCode(room);
  if (!code) throw unusable('A meeting code uses letters, digits and dashes, like calm-otter-42.', { problem: 'bad-code' });
  const fp = url.searchParams.get('fp');
  const fingerprint = fp === null ? null : parseFingerprint(fp);
  return { server: url.origin, room: code, fingerprint };
}
