import { describe, expect, it } from 'vitest';
import { escapeMarkup, NOTIFICATION_TEXT_MAX, notificationBody, notificationBodyIsMarkup } from './notification-text';

const ELECTRON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Roundtable/0.1.0 Chrome/140.0.0.0 Electron/45.4.1 Safari/537.36';
const ELECTRON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Roundtable/0.1.0 Chrome/140.0.0.0 Electron/45.4.1 Safari/537.36';
const ELECTRON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Roundtable/0.1.0 Chrome/140.0.0.0 Electron/45.4.1 Safari/537.36';
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36';

describe('chat text in a desktop notification', () => {
  it('cannot add markup or links where the body is markup: &, < and > are escaped', () => {
    const attack = '<a href="https://evil.example/login">Your session expired, sign in again</a> <img src="file:///etc/passwd"/> <b>urgent</b>';
    const body = notificationBody(attack, { markup: true });
    expect(body).not.toMatch(/[<>]/);
    expect(body).toBe(
      '&lt;a href="https://evil.example/login"&gt;Your session expired, sign in again&lt;/a&gt; &lt;img src="file:///etc/passwd"/&gt; &lt;b&gt;urgent&lt;/b&gt;',
    );
    // An entity someone typed shows as typed, not as the character it names.
    expect(notificationBody('Tom &amp; Jerry &lt;3 & co', { markup: true })).toBe('Tom &amp;amp; Jerry &amp;lt;3 &amp; co');
  });

  it('is left as written where the body is plain text (escaping would show the entities)', () => {
    expect(notificationBody('a <b>bold</b> & brave claim', { markup: false })).toBe('a <b>bold</b> & brave claim');
  });

  it('is capped: long text is cut to the limit with an ellipsis, before escaping, so no entity is cut in half', () => {
    const long = 'x'.repeat(NOTIFICATION_TEXT_MAX * 5);
    const plain = notificationBody(long, { markup: false });
    expect(Array.from(plain)).toHaveLength(NOTIFICATION_TEXT_MAX);
    expect(plain.endsWith('…')).toBe(true);

    const ampersands = notificationBody('&'.repeat(500), { markup: true });
    expect(ampersands).toBe(`${'&amp;'.repeat(NOTIFICATION_TEXT_MAX - 1)}…`);
    expect(notificationBody('<'.repeat(10), { markup: true, max: 4 })).toBe('&lt;&lt;&lt;…');
    // Exactly at the limit: untouched.
    expect(notificationBody('y'.repeat(NOTIFICATION_TEXT_MAX), { markup: true })).toBe('y'.repeat(NOTIFICATION_TEXT_MAX));
  });

  it('never cuts a character in half: emoji and combined characters stay whole', () => {
    const family = '👨‍👩‍👧';
    expect(notificationBody(family.repeat(10), { markup: true, max: 3 })).toBe(`${family}${family}…`);
    expect(notificationBody('😀'.repeat(300), { markup: false })).toBe(`${'😀'.repeat(NOTIFICATION_TEXT_MAX - 1)}…`);
    expect(notificationBody('é'.normalize('NFD').repeat(5), { markup: false, max: 3 })).toBe(`${'é'.normalize('NFD').repeat(2)}…`);
  });

  it('keeps the text readable: line breaks stay, invisible controls and direction overrides go', () => {
    expect(notificationBody('  first line\r\nsecond\tline  ', { markup: true })).toBe('first line\nsecond\tline');
    expect(notificationBody('pay\u0007 \u202egnp.exe\u202c now\u0000', { markup: true })).toBe('pay gnp.exe now');
    expect(notificationBody('Hello 👋 see https://example.org/agenda', { markup: true })).toBe('Hello 👋 see https://example.org/agenda');
  });
});

describe('escapeMarkup', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMarkup(`<>&"' plain`)).toBe(`&lt;&gt;&amp;"' plain`);
  });
});

describe('where a notification body is markup', () => {
  it('in the desktop app on Linux (Electron passes it to libnotify as it is)', () => {
    expect(notificationBodyIsMarkup('desktop', ELECTRON_LINUX)).toBe(true);
  });

  it('not on Windows or macOS, nor in a browser (Chromium escapes it itself), nor on Android', () => {
    expect(notificationBodyIsMarkup('desktop', ELECTRON_WINDOWS)).toBe(false);
    expect(notificationBodyIsMarkup('desktop', ELECTRON_MAC)).toBe(false);
    expect(notificationBodyIsMarkup('browser', ELECTRON_LINUX.replace(/ Roundtable\S+| Electron\S+/g, ''))).toBe(false);
    expect(notificationBodyIsMarkup('browser', ANDROID)).toBe(false);
  });
});
