import { Bonjour, type Browser, type Service, type ServiceConfig } from 'bonjour-service';
import { hostname } from 'node:os';
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { parseFingerprint } from '@roundtable/signaling-server';
import { PROTOCOL_VERSION } from '@roundtable/signaling-server/protocol';
import type { DiscoveredMeeting } from '@shared/ipc/hosting';
import { inviteLink } from './invite';
import { normalizeCode } from './meeting-code';

/** DNS-SD service type: `_roundtable._tcp.local`. */
export const SERVICE_TYPE = 'roundtable';

export interface Announcement {
  meetingName: string;
  code: string;
  fingerprint: string;
  port: number;
}

export interface Discovery {
  /** Announces a hosted meeting; resolves with the function that withdraws it (a DNS-SD goodbye). */
  announce(announcement: Announcement): Promise<() => Promise<void>>;
  /** Calls `listener` with every meeting on the network, now and whenever the list changes. */
  browse(listener: (meetings: DiscoveredMeeting[]) => void): () => void;
  close(): Promise<void>;
}

export interface MdnsOptions {
  /** The IPv4 address of the interface to announce and listen on; every interface when omitted. */
  interface?: string;
  /** How often to ask the network again who is there (ms). */
  requeryMs?: number;
  onError?: (error: Error) => void;
}

const displayText = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(s));

/** TXT record of an announced meeting, checked where it is received: anyone on the LAN can send one. */
const MeetingTxt = z.object({
  name: displayText,
  code: z.string().transform((code, ctx) => normalizeCode(code) ?? (ctx.addIssue({ code: 'custom', message: 'bad code' }), z.NEVER)),
  fp: z
    .string()
    .optional()
    .transform((fp) => (fp === undefined ? null : parseFingerprint(fp))),
  v: z.coerce.number().int().positive(),
});

function txtRecord(announcement: Announcement): Record<string, string> {
  return { name: announcement.meetingName, code: announcement.code, fp: announcement.fingerprint, v: String(PROTOCOL_VERSION) };
}

/** What a DNS-SD answer says about a meeting, or null when it is not one we can show. */
export function toDiscoveredMeeting(service: Pick<Service, 'fqdn' | 'port' | 'txt' | 'addresses' | 'referer'>): DiscoveredMeeting | null {
  const txt = MeetingTxt.safeParse(service.txt ?? {});
  if (!txt.success || !Number.isInteger(service.port) || service.port <= 0 || service.port > 65535) return null;
  const candidates = [service.referer?.address, ...(service.addresses ?? [])].filter((a): a is string => typeof a === 'string');
  const addresses = [...new Set(candidates.filter((a) => isIPv4(a)))];
  if (addresses.length === 0) return null;
  const { name, code, fp, v } = txt.data;
  const address = addresses[0]!;
  return {
    id: service.fqdn,
    meetingName: name,
    code,
    fingerprint: fp,
    protocol: v,
    compatible: v === PROTOCOL_VERSION,
    port: service.port,
    addresses,
    url: fp ? inviteLink(address, service.port, code, fp) : `https://${address}:${service.port}/?room=${encodeURIComponent(code)}`,
  };
}

/** DNS-SD over multicast DNS with bonjour-service: works on a LAN with no internet and no DNS server. */
export function createMdnsDiscovery(options: MdnsOptions = {}): Discovery {
  const onError = options.onError ?? ((error: Error) => console.warn(`mDNS: ${error.message}`));
  let bonjour: Bonjour | null = null;
  const instance = (): Bonjour => {
    if (bonjour) return bonjour;
    // bonjour-service hands these on to multicast-dns; binding to every address still receives
    // multicast, while `interface` picks where it is sent.
    const mdns = options.interface ? { interface: options.interface, bind: '0.0.0.0' } : {};
    bonjour = new Bonjour(mdns as unknown as Partial<ServiceConfig>, (error: Error) => onError(error));
    return bonjour;
  };
  const browsers = new Set<Browser>();

  return {
    async announce(announcement) {
      const service = instance().publish({
        // Instance names must be unique on the network: the code makes them so.
        name: `${announcement.meetingName} (${announcement.code})`.slice(0, 63),
        type: SERVICE_TYPE,
        protocol: 'tcp',
        port: announcement.port,
        host: `${hostname()}.local`,
        txt: txtRecord(announcement),
        disableIPv6: true,
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        service.once('up', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return () => new Promise<void>((resolve) => service.stop?.(() => resolve()));
    },

    browse(listener) {
      const browser = instance().find({ type: SERVICE_TYPE, protocol: 'tcp' });
      browsers.add(browser);
      const emit = (): void => listener(browser.services.map(toDiscoveredMeeting).filter((m): m is DiscoveredMeeting => m !== null));
      for (const event of ['up', 'down', 'txt-update', 'srv-update'] as const) browser.on(event, emit);
      const requery = setInterval(() => {
        browser.expire();
        browser.update();
      }, options.requeryMs ?? 10_000);
      requery.unref();
      emit();
      return () => {
        clearInterval(requery);
        browser.stop();
        browser.removeAllListeners();
        browsers.delete(browser);
      };
    },

    async close() {
      for (const browser of browsers) browser.stop();
      browsers.clear();
      const current = bonjour;
      bonjour = null;
      if (!current) return;
      await new Promise<void>((resolve) => current.unpublishAll(() => resolve()));
      await new Promise<void>((resolve) => current.destroy(() => resolve()));
    },
  };
}
