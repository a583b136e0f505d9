import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@roundtable/signaling-server/protocol';
import { toDiscoveredMeeting } from './discovery';

const FP = 'My5ZK2IeodivZIMVWuIWhv0ZiRKcFdNAO5-FP-P6cCQ';
const referer = { address: '192.168.1.20', family: 'IPv4' as const, port: 5353, size: 300 };
const answer = (txt: Record<string, unknown>, extra: object = {}) => ({
  fqdn: "Ada's meeting (calm-otter-42)._roundtable._tcp.local",
  port: 8443,
  txt,
  addresses: ['192.168.1.20', 'fe80::1'],
  referer,
  ...extra,
});

describe('meetings found on the network', () => {
  it('are read from the DNS-SD answer: name, code, fingerprint, protocol, and a link to join', () => {
    expect(toDiscoveredMeeting(answer({ name: "Ada's meeting", code: 'calm-otter-42', fp: FP, v: String(PROTOCOL_VERSION) }))).toEqual({
      id: "Ada's meeting (calm-otter-42)._roundtable._tcp.local",
      meetingName: "Ada's meeting",
      code: 'calm-otter-42',
      fingerprint: FP,
      protocol: PROTOCOL_VERSION,
      compatible: true,
      port: 8443,
      addresses: ['192.168.1.20'],
      url: `https://192.168.1.20:8443/?room=calm-otter-42&fp=${FP}`,
    });
  });

  it('from another protocol version are listed as not joinable', () => {
    expect(toDiscoveredMeeting(answer({ name: 'Old', code: 'x', fp: FP, v: String(PROTOCOL_VERSION + 1) }))?.compatible).toBe(false);
  });

  it('are ignored when the announcement is malformed or hostile (anyone on the LAN can send one)', () => {
    const good = { name: 'Ok', code: 'ok', fp: FP, v: '1' };
    const bad: Array<Record<string, unknown>> = [
      {},
      { ...good, name: '' },
      { ...good, name: 'x'.repeat(65) },
      { ...good, name: 'evil\u202ename' },
      { ...good, code: '../../etc' },
      { ...good, v: 'one' },
      { ...good, v: '-1' },
    ];
    for (const txt of bad) expect(toDiscoveredMeeting(answer(txt)), JSON.stringify(txt)).toBeNull();
    expect(toDiscoveredMeeting(answer(good, { port: 0 }))).toBeNull();
    expect(toDiscoveredMeeting(answer(good, { referer: undefined, addresses: ['fe80::1'] }))).toBeNull();
    // A damaged fingerprint is dropped rather than trusted.
    expect(toDiscoveredMeeting(answer({ ...good, fp: 'abc' }))?.fingerprint).toBeNull();
  });
});
