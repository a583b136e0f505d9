import { z } from 'zod';
import { event, events, invoke, type SectionApi } from './contract';
import { isDesktopError } from './result';

/**
 * Hosting a meeting on the LAN from the desktop app, finding meetings on the network, and joining
 * one by invite link (whose certificate fingerprint the app pins once the server presented it).
 */

/** Where to connect and which meeting to join; `fingerprint` pins the server's certificate. */
export const JoinTargetSchema = z.object({
  /** Origin of the meeting server, e.g. https://192.168.1.20:8443 */
  server: z.string(),
  room: z.string(),
  /** SHA-256 of the server's certificate (base64url), or null when it is not pinned. */
  fingerprint: z.string().nullable(),
});
export type JoinTarget = z.infer<typeof JoinTargetSchema>;

export const InviteLinkSchema = z.object({ address: z.string(), url: z.string() });
export type InviteLink = z.infer<typeof InviteLinkSchema>;

/** What a host shares: a short code people can read aloud, and a link for each LAN address. */
export const InviteSchema = z.object({
  code: z.string(),
  meetingName: z.string(),
  fingerprint: z.string(),
  /** The fingerprint as people compare it: "AB:CD:…". */
  fingerprintText: z.string(),
  links: z.array(InviteLinkSchema),
});
export type Invite = z.infer<typeof InviteSchema>;

export const HostingStatusSchema = z.discriminatedUnion('state', [
  /** `lastError`: why the last try to host failed, in the system's words (the UI words "Could not host the meeting" around it). */
  z.object({ state: z.literal('idle'), lastError: z.string().nullable() }),
  z.object({
    state: z.literal('hosting'),
    port: z.number().int(),
    invite: InviteSchema,
    /** How the host's own app joins: over loopback, pinned to its own certificate. */
    self: JoinTargetSchema,
    /** People in the hosted meeting right now. */
    participants: z.number().int(),
    /** Whether the meeting is announced on the network (DNS-SD). */
    announced: z.boolean(),
  }),
]);
export type HostingStatus = z.infer<typeof HostingStatusSchema>;

export const HostOptionsSchema = z.strictObject({
  meetingName: z.string().trim().max(64).optional(),
  /** The port to try first; the next free one is used when it is taken. */
  port: z.number().int().min(1).max(65535).optional(),
});
export type HostOptions = z.infer<typeof HostOptionsSchema>;

/**
 * A meeting announced on the network (DNS-SD `_roundtable._tcp`). Anyone on the LAN can announce
 * anything: its fingerprint is a hint, checked against the server only when the person joins it.
 */
export const DiscoveredMeetingSchema = z.object({
  id: z.string(),
  meetingName: z.string(),
  code: z.string(),
  fingerprint: z.string().nullable(),
  protocol: z.number(),
  /** False when it speaks another protocol version than this app. */
  compatible: z.boolean(),
  port: z.number().int(),
  addresses: z.array(z.string()),
  /** The invite link for the best address. */
  url: z.string(),
});
export type DiscoveredMeeting = z.infer<typeof DiscoveredMeetingSchema>;

/** Join by invite link, or by meeting code and server address. */
export const InviteRequestSchema = z.union([
  z.strictObject({ link: z.string().min(1).max(2048) }),
  z.strictObject({ server: z.string().min(1).max(512), room: z.string().min(1).max(64) }),
]);
export type InviteRequest = z.infer<typeof InviteRequestSchema>;

/**
 * A server address typed without a fingerprint whose certificate the usual checks do not accept
 * (a meeting hosted on a LAN has a self-signed one): resolve-invite fails with the error code
 * 'untrusted-certificate' and this as its details, and the person compares the fingerprint with the
 * one the host shows before joining with it.
 */
export const UntrustedCertificateSchema = z.object({
  /** `host:port` of the server. */
  host: z.string(),
  /** The presented certificate's SHA-256 fingerprint (base64url). */
  fingerprint: z.string(),
  /** The same as people compare it: "AB:CD:…". */
  fingerprintText: z.string(),
});
export type UntrustedCertificate = z.infer<typeof UntrustedCertificateSchema>;

/** The words of resolve-invite's untrusted-certificate error (its details carry the same as data). */
export function untrustedCertificateMessage({ host, fingerprintText }: Pick<UntrustedCertificate, 'host' | 'fingerprintText'>): string {
  return (
    `The server at ${host} presented a certificate this computer cannot check (no authority it trusts vouches for it; ` +
    `a meeting hosted on a local network never has one). Its fingerprint is ${fingerprintText}. ` +
    'Compare it with the fingerprint the host shows, and join only if they match.'
  );
}

/** The untrusted certificate a failed resolveInvite is about (its error's code and details), or null for any other error. */
export function readUntrustedCertificate(error: unknown): UntrustedCertificate | null {
  if (!isDesktopError(error, 'untrusted-certificate')) return null;
  const details = UntrustedCertificateSchema.safeParse(error.details);
  return details.success ? details.data : null;
}

/**
 * Why an invite link or a server address cannot be used: the details of resolve-invite's
 * 'invalid-invite' error, for the UI to word (the message is main's English, for logs).
 */
export const INVITE_PROBLEMS = [
  /** Not a URL at all (`what`: a meeting link or a server address). */
  'not-a-url',
  /** Neither https:// nor http://. */
  'not-http',
  /** It carries a user name or password. */
  'has-credentials',
  /** A link without a meeting code. */
  'no-code',
  /** A link whose certificate fingerprint cannot be read. */
  'damaged-fingerprint',
  /** A link that pins a certificate over plain http://. */
  'pin-without-https',
  /** A meeting code typed by hand that is not one. */
  'bad-code',
] as const;
export type InviteProblem = (typeof INVITE_PROBLEMS)[number];
export const InviteProblemSchema = z.object({ problem: z.enum(INVITE_PROBLEMS), what: z.enum(['link', 'server']).optional() });
export type InviteProblemDetails = z.infer<typeof InviteProblemSchema>;

/** resolve-invite's 'unreachable' details: the server (`host:port`) and the network's own words. */
export const UnreachableSchema = z.object({ host: z.string(), reason: z.string() });
/** 'certificate-refused' details: the server (`host:port`) and the fingerprints ("AB:CD:…") expected and presented (null: none could be read). */
export const CertificateMismatchSchema = z.object({ host: z.string(), expected: z.string(), presented: z.string().nullable() });
/** hosting:start's 'hosting-failed' details: why, in the system's words (e.g. "listen EADDRINUSE …"). */
export const HostingFailedSchema = z.object({ reason: z.string() });

/** Each code of a failed hosting or invite call that carries details, and the schema of those details. */
const FAILURE_DETAILS = {
  'invalid-invite': InviteProblemSchema,
  unreachable: UnreachableSchema,
  'certificate-refused': CertificateMismatchSchema,
  'hosting-failed': HostingFailedSchema,
} as const;
type FailureCode = keyof typeof FAILURE_DETAILS;

/** What a failed hosting or invite call is about: its code and its details. */
export type HostingFailure = { [C in FailureCode]: { code: C } & z.infer<(typeof FAILURE_DETAILS)[C]> }[FailureCode];

/** Reads a failure's code and details (checked against the code's schema); null for anything else. */
export function readHostingFailure(error: unknown): HostingFailure | null {
  if (!isDesktopError(error) || !Object.hasOwn(FAILURE_DETAILS, error.code)) return null;
  const code = error.code as FailureCode;
  const details = FAILURE_DETAILS[code].safeParse(error.details);
  // The details were checked against this code's schema: together they are that member of the union.
  return details.success ? ({ code, ...details.data } as HostingFailure) : null;
}

/** The app refused a server's certificate (not the pinned one): `message` in the app's language, for people. */
export const CertificateRefusedSchema = z.object({ host: z.string(), message: z.string() });
export type CertificateRefused = z.infer<typeof CertificateRefusedSchema>;

/** `window.desktop.hosting`. */
export const HOSTING_CHANNELS = {
  status: invoke('hosting:status', { args: [], result: HostingStatusSchema }),
  /** Starts the meeting server on the LAN (or returns the running one). The caller then joins `self`. */
  start: invoke('hosting:start', { args: [HostOptionsSchema.optional()], result: HostingStatusSchema }),
  /** Ends the meeting for everyone and stops announcing it. */
  stop: invoke('hosting:stop', { args: [], result: HostingStatusSchema }),
  /** Copies the invite (code and links) to the clipboard; returns what was copied. */
  copyInvite: invoke('hosting:copy-invite', { args: [], result: z.string().nullable() }),
  discovered: invoke('hosting:discovered', { args: [], result: z.array(DiscoveredMeetingSchema) }),
  /**
   * Checks an invite link (or code + server address) and says where to connect. With a fingerprint
   * (the link's `fp`), the server must present exactly that certificate, which is then pinned for
   * its host:port; without one, its certificate must pass the usual checks, or this fails with an
   * 'untrusted-certificate' error (see readUntrustedCertificate).
   */
  resolveInvite: invoke('hosting:resolve-invite', { args: [InviteRequestSchema], result: JoinTargetSchema }),
};

export const HOSTING_EVENTS = events(
  event('hosting:status', HostingStatusSchema),
  event('hosting:discovered', z.array(DiscoveredMeetingSchema)),
  /** The app refused a server's certificate because it is not the pinned one. */
  event('hosting:certificate-refused', CertificateRefusedSchema),
);

export type HostingApi = SectionApi<typeof HOSTING_CHANNELS>;
