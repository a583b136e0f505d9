import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildInvite, inviteText, parseInviteLink, parseServerAndCode } from './invite';
import { desktopText } from '../../text/desktop-text';
import { lanAddresses } from './lan-addresses';
import { hostedMeetingCode, normalizeCode } from './meeting-code';

const FP = 'My5ZK2IeodivZIMVWuIWhv0ZiRKcFdNAO5-FP-P6cCQ';

describe('invites', () => {
  const invite = buildInvite({ code: 'calm-otter-42', meetingName: "Ada's meeting", port: 8443, addresses: ['192.168.1.20', '10.0.0.5'], fingerprint: FP });

  it('carry the code, and a link per LAN address with the certificate fingerprint', () => {
    expect(invite.links).toEqual([
      { address: '192.168.1.20', url: `https://192.168.1.20:8443/?room=calm-otter-42&fp=${FP}` },
      { address: '10.0.0.5', url: `https://10.0.0.5:8443/?room=calm-otter-42&fp=${FP}` },
    ]);
    expect(invite.fingerprintText).toBe('33:2E:59:2B:62:1E:A1:D8:AF:64:83:15:5A:E2:16:86:FD:19:89:12:9C:15:D3:40:3B:9F:85:3F:E3:FA:70:24');
    expect(inviteText(invite)).toContain('meeting code calm-otter-42');
    expect(inviteText(invite)).toContain(invite.links[1]!.url);
    expect(inviteText(invite)).toBe(
      `Join "Ada's meeting" on Roundtable — meeting code calm-otter-42\n  ${invite.links[0]!.url}\n  ${invite.links[1]!.url}\nCertificate fingerprint (SHA-256): ${invite.fingerprintText}\n`,
    );
    expect(inviteText(invite, desktopText('ru'))).toBe(
      `Присоединяйтесь к встрече «Ada's meeting» в Roundtable — код встречи calm-otter-42\n  ${invite.links[0]!.url}\n  ${invite.links[1]!.url}\nОтпечаток сертификата (SHA-256): ${invite.fingerprintText}\n`,
    );
  });

  it('are read back from their links', () => {
    expect(parseInviteLink(invite.links[0]!.url)).toEqual({ server: 'https://192.168.1.20:8443', room: 'calm-otter-42', fingerprint: FP });
    expect(parseInviteLink('  https://meet.example.org/?room=Team-Sync  ')).toEqual({
      server: 'https://meet.example.org',
      room: 'team-sync',
      fingerprint: null,
    });
    // Other spellings of the fingerprint are accepted and made canonical.
    const hex = invite.fingerprintText.replace(/:/g, '');
    expect(parseInviteLink(`https://192.168.1.20:8443/?room=x&fp=${hex}`).fingerprint).toBe(FP);
  });

  it('that cannot be used are refused with a reason a person understands', () => {
    expect(() => parseInviteLink('calm-otter-42')).toThrow(/paste the whole link/);
    expect(() => parseInviteLink('ftp://192.168.1.20/?room=x')).toThrow(/starts with https:\/\//);
    expect(() => parseInviteLink('https://u:p@192.168.1.20/?room=x')).toThrow(/no user name or password/);
    expect(() => parseInviteLink('https://192.168.1.20:8443/')).toThrow(/no meeting code/);
    expect(() => parseInviteLink('https://192.168.1.20:8443/?room=x&fp=abc')).toThrow(/fingerprint is damaged/);
    expect(() => parseInviteLink(`http://192.168.1.20:8443/?room=x&fp=${FP}`)).toThrow(/does not use https/);
  });

  it('say what is wrong as a code the app words in its language', () => {
    const problem = (parse: () => unknown): unknown => {
      try {
        parse();
      } catch (error) {
        return { code: (error as { code: string }).code, details: (error as { details: unknown }).details };
      }
      throw new Error('it was accepted');
    };
    const invalid = (details: object) => ({ code: 'invalid-invite', details });
    expect(problem(() => parseInviteLink('calm-otter-42'))).toEqual(invalid({ problem: 'not-a-url', what: 'link' }));
    expect(problem(() => parseInviteLink('ftp://192.168.1.20/?room=x'))).toEqual(invalid({ problem: 'not-http', what: 'link' }));
    expect(problem(() => parseInviteLink('https://u:p@192.168.1.20/?room=x'))).toEqual(invalid({ problem: 'has-credentials', what: 'link' }));
    expect(problem(() => parseInviteLink('https://192.168.1.20:8443/'))).toEqual(invalid({ problem: 'no-code' }));
    expect(problem(() => parseInviteLink('https://192.168.1.20:8443/?room=x&fp=abc'))).toEqual(invalid({ problem: 'damaged-fingerprint' }));
    expect(problem(() => parseInviteLink(`http://192.168.1.20:8443/?room=x&fp=${FP}`))).toEqual(invalid({ problem: 'pin-without-https' }));
    expect(problem(() => parseServerAndCode('192.168.1.20', 'not/valid'))).toEqual(invalid({ problem: 'bad-code' }));
    expect(problem(() => parseServerAndCode('u:p@192.168.1.20', 'x'))).toEqual(invalid({ problem: 'has-credentials', what: 'server' }));
  });

  it('can be replaced by a code and a server address typed by hand', () => {
    expect(parseServerAndCode('192.168.1.20:8443', ' Calm-Otter-42 ')).toEqual({
      server: 'https://192.168.1.20:8443',
      room: 'calm-otter-42',
      fingerprint: null,
    });
    expect(parseServerAndCode('http://192.168.1.20:8443', 'x')).toEqual({ server: 'http://192.168.1.20:8443', room: 'x', fingerprint: null });
    expect(() => parseServerAndCode('192.168.1.20', 'not/valid')).toThrow(/letters, digits and dashes/);
  });
});

describe('meeting codes', () => {
  it('are readable and valid server room names', () => {
    for (let i = 0; i < 50; i++) {
      const code = hostedMeetingCode();
      expect(code).toMatch(/^[a-z]+(-[a-z]+){5}$/);
      expect(normalizeCode(code)).toBe(code);
    }
  });
});

describe('LAN addresses', () => {
  it('are the IPv4 addresses others can reach: no loopback, no link-local, no IPv6, home ranges first', () => {
    const info = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false): NetworkInterfaceInfo =>
      family === 'IPv4'
        ? { address, family, internal, netmask: '', mac: '02:00:00:00:00:01', cidr: null }
        : { address, family, internal, netmask: '', mac: '02:00:00:00:00:01', cidr: null, scopeid: 0 };
    expect(
      lanAddresses({
        lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
        eth0: [info('10.0.0.5'), info('fe80::1', 'IPv6')],
        wlan0: [info('192.168.1.20')],
        usb0: [info('169.254.3.4')],
        vpn0: [info('100.64.1.2')],
      }),
    ).toEqual(['192.168.1.20', '10.0.0.5', '100.64.1.2']);
  });
});
