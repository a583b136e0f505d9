import { z } from 'zod';
import { verifyPinnedServer } from '@roundtable/signaling-server';
import type { DiscoveredMeeting, HostingChannels, HostingStatus, JoinTarget } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';
import type { CertificatePins } from './certificate-pins';
import type { HostingService } from './hosting-service';
import { InviteError, inviteText, parseInviteLink, parseServerAndCode } from './invite';

const HostOptionsSchema = z
  .strictObject({
    meetingName: z.string().trim().max(64).optional(),
    port: z.number().int().min(1).max(65535).optional(),
  })
  .optional();

const InviteRequestSchema = z.union([
  z.strictObject({ link: z.string().min(1).max(2048) }),
  z.strictObject({ server: z.string().min(1).max(512), room: z.string().min(1).max(64) }),
]);

export const MeetingReportSchema = z.strictObject({
  stage: z.enum(['home', 'prejoin', 'meeting', 'left']),
  name: z.string().max(64),
  room: z.string().max(64).nullable(),
  server: z.string().max(512).nullable(),
  participants: z.number().int().min(0).max(10_000),
  micEnabled: z.boolean(),
  cameraEnabled: z.boolean(),
}) satisfies z.ZodType<MeetingReport>;

/** Validates what a renderer sent; a clear error and nothing done when it does not fit. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

export interface HostingHandlerDeps {
  hosting: HostingService;
  pins: CertificatePins;
  discovered: () => DiscoveredMeeting[];
  copyText: (text: string) => void;
  /** Checks, before the renderer connects, that the server presents the pinned certificate. */
  verify?: (server: string, fingerprint: string) => Promise<void>;
  /** The meeting name when the request gives none (e.g. "Ada's meeting"). */
  defaultMeetingName?: () => string | undefined;
}

export type HostingHandlers = { [C in keyof HostingChannels]: (...args: unknown[]) => Promise<HostingChannels[C]['result']> };

/** Pins the app's own certificate for every address its hosted meeting is reached at. */
export function pinOwnMeeting(status: HostingStatus, pins: CertificatePins): void {
  if (status.state !== 'hosting') return;
  pins.pin(status.self.server, status.invite.fingerprint);
  for (const link of status.invite.links) pins.pin(link.url, status.invite.fingerprint);
}

/**
 * The hosting channels, Electron-free: the shell registers them as IPC handlers, and the end-to-end
 * tests call them from a page through Playwright, so both run the same checks.
 */
export function createHostingHandlers(deps: HostingHandlerDeps): HostingHandlers {
  const verify = deps.verify ?? ((server: string, fingerprint: string) => verifyPinnedServer(server, fingerprint));

  const findPin = (target: JoinTarget): string | null => {
    const url = new URL(target.server);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const found = deps.discovered().find((m) => m.port === port && m.addresses.includes(url.hostname) && m.fingerprint);
    return found?.fingerprint ?? null;
  };

  return {
    'hosting:status': async () => deps.hosting.status(),
    'hosting:start': async (options?: unknown) => {
      const valid = validate(HostOptionsSchema, options, 'hosting:start');
      const meetingName = valid?.meetingName || deps.defaultMeetingName?.();
      const status = await deps.hosting.start({ ...valid, ...(meetingName ? { meetingName } : {}) });
      pinOwnMeeting(status, deps.pins);
      return status;
    },
    'hosting:stop': async () => deps.hosting.stop(),
    'hosting:copy-invite': async () => {
      const status = deps.hosting.status();
      if (status.state !== 'hosting') return null;
      const text = inviteText(status.invite);
      deps.copyText(text);
      return text;
    },
    'hosting:discovered': async () => deps.discovered(),
    'hosting:resolve-invite': async (request: unknown) => {
      const valid = validate(InviteRequestSchema, request, 'hosting:resolve-invite');
      let target = 'link' in valid ? parseInviteLink(valid.link) : parseServerAndCode(valid.server, valid.room);
      if (!target.fingerprint && target.server.startsWith('https:')) target = { ...target, fingerprint: findPin(target) };
      if (target.fingerprint) {
        deps.pins.pin(target.server, target.fingerprint);
        try {
          await verify(target.server, target.fingerprint);
        } catch (error) {
          if (error instanceof Error && error.name === 'CertificatePinError') throw error;
          throw new InviteError(`Cannot reach the meeting server at ${new URL(target.server).host}: ${(error as Error).message}`);
        }
      }
      return target;
    },
  };
}
