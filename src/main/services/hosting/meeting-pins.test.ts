import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, formatFingerprint } from '@roundtable/signaling-server';
import type { HostingStatus } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';
import { CertificatePins } from './certificate-pins';
import { MeetingPins } from './meeting-pins';

const own = createSelfSignedCertificate({ commonName: 'this app' });
const other = createSelfSignedCertificate({ commonName: 'someone else' });

const hostingStatus: HostingStatus = {
  state: 'hosting',
  port: 8443,
  invite: {
    code: 'calm-otter-42',
    meetingName: "Ada's meeting",
    fingerprint: own.fingerprint,
    fingerprintText: formatFingerprint(own.fingerprint),
    links: [{ address: '192.168.1.20', url: `https://192.168.1.20:8443/?room=calm-otter-42&fp=${own.fingerprint}` }],
  },
  self: { server: 'https://127.0.0.1:8443', room: 'calm-otter-42', fingerprint: own.fingerprint },
  participants: 1,
  announced: true,
};

function hostingSource(initial: HostingStatus) {
  let status = initial;
  const events = new EventEmitter<{ status: [HostingStatus] }>();
  return {
    events,
    status: () => status,
    set(next: HostingStatus) {
      status = next;
      events.emit('status', next);
    },
  };
}

const report = (stage: MeetingReport['stage'], server: string | null): MeetingReport => ({
  stage,
  name: 'Ada',
  room: stage === 'home' ? null : 'calm-otter-42',
  server,
  participants: stage === 'meeting' ? 2 : 0,
  micEnabled: true,
  cameraEnabled: true,
});

describe('how long pins live', () => {
  it("a meeting's pin stays while the person is in it and goes when they leave it", () => {
    const pins = new CertificatePins();
    const lifetime = new MeetingPins(pins, hostingSource({ state: 'idle', lastError: null }));
    pins.pin('https://192.168.1.30:8443', other.fingerprint); // resolve-invite, after the check
    lifetime.report(report('prejoin', 'https://192.168.1.30:8443'));
    lifetime.report(report('meeting', 'https://192.168.1.30:8443'));
    expect(pins.get('https://192.168.1.30:8443')).toBe(other.fingerprint);
    lifetime.report(report('left', 'https://192.168.1.30:8443'));
    expect(pins.list()).toEqual([]);
  });

  it('going home from the pre-join screen, or the renderer going away, drops it too', () => {
    const pins = new CertificatePins();
    const lifetime = new MeetingPins(pins, hostingSource({ state: 'idle', lastError: null }));
    pins.pin('https://192.168.1.30:8443', other.fingerprint);
    lifetime.report(report('prejoin', 'https://192.168.1.30:8443'));
    lifetime.report(report('home', 'https://192.168.1.30:8443'));
    expect(pins.list()).toEqual([]);

    pins.pin('https://192.168.1.30:8443', other.fingerprint);
    lifetime.report(report('meeting', 'https://192.168.1.30:8443'));
    lifetime.rendererGone();
    expect(pins.list()).toEqual([]);
  });

  it('leaving one meeting leaves the pin of another server alone', () => {
    const pins = new CertificatePins();
    const lifetime = new MeetingPins(pins, hostingSource({ state: 'idle', lastError: null }));
    pins.pin('https://192.168.1.30:8443', other.fingerprint);
    lifetime.report(report('left', 'https://192.168.1.30:9443'));
    lifetime.report(report('left', 'http://192.168.1.30:8443'));
    expect(pins.get('https://192.168.1.30:8443')).toBe(other.fingerprint);
  });

  it("the app's own meeting is pinned at every address while it is hosted, whatever the renderer does, and not after", () => {
    const pins = new CertificatePins();
    const hosting = hostingSource({ state: 'idle', lastError: null });
    const lifetime = new MeetingPins(pins, hosting);
    expect(pins.list()).toEqual([]);
    hosting.set(hostingStatus);
    expect(pins.list()).toEqual([
      { server: 'https://127.0.0.1:8443', fingerprint: own.fingerprint },
      { server: 'https://192.168.1.20:8443', fingerprint: own.fingerprint },
    ]);
    lifetime.report(report('left', 'https://127.0.0.1:8443'));
    lifetime.report(report('home', 'https://192.168.1.20:8443'));
    lifetime.rendererGone();
    expect(pins.list()).toHaveLength(2);

    hosting.set({ state: 'idle', lastError: null });
    expect(pins.list()).toEqual([]);
  });

  it('hosting anew on another port drops the old addresses', () => {
    const pins = new CertificatePins();
    const hosting = hostingSource(hostingStatus);
    new MeetingPins(pins, hosting);
    hosting.set({
      ...hostingStatus,
      port: 8444,
      self: { ...hostingStatus.self, server: 'https://127.0.0.1:8444' },
      invite: { ...hostingStatus.invite, links: [] },
    });
    expect(pins.list()).toEqual([{ server: 'https://127.0.0.1:8444', fingerprint: own.fingerprint }]);
  });
});
