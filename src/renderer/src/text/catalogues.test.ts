import { describe, expect, it } from 'vitest';
import { catalogueProblems } from '@shared/i18n/catalogue-check';
import { createTranslator } from '@shared/i18n/translator';
import { nameList, presenceText } from '../hooks/notice-feed';
import { failureText } from './failures';
import { SignalingError } from '../call/signaling-client';
import { endedText } from './ended';
import { applyLanguage, formatTime, i18n, RENDERER_CATALOGUES, richText, t } from './i18n';
import { en } from './locales/en';

describe('the catalogues of the renderer', () => {
  it('have the same keys in English and Russian, each message valid ICU with the same arguments and tags, every plural worded', () => {
    expect(catalogueProblems(RENDERER_CATALOGUES)).toEqual([]);
  });

  it('catch a missing key, a renamed argument, a lost tag and a plural short of a form', () => {
    const broken = {
      en: { a: 'Hello {name}', b: 'x', c: '<strong>{room}</strong>', d: '{count, plural, one {# person} other {# people}}', f: '<room>{room}</room>' },
      ru: { a: 'Привет, {имя}', c: '{room}', d: '{count, plural, one {# участник} other {# участника}}', e: 'лишнее', f: '<room>{room}</room>' },
    };
    expect(catalogueProblems(broken)).toEqual([
      'en: f has a tag and an argument both named room (the tag would hide the value)',
      'ru: b is missing',
      'ru: e is not in English',
      'ru: a takes {имя}, English takes {name}',
      'ru: c has tags <>, English <strong>',
      'ru: d does not word {count} for few, many',
      'ru: f has a tag and an argument both named room (the tag would hide the value)',
    ]);
  });
});

describe('Russian', () => {
  const ru = createTranslator('app', RENDERER_CATALOGUES, 'ru');
  const say = (key: string, values: Record<string, number | string | Date>) => (ru.t as unknown as (k: string, v: object) => string)(key, values);

  it('puts the participant count in the form its number takes: 1 участник, 2 участника, 5 участников, 21 участник', () => {
    expect([1, 2, 5, 11, 21, 22, 25, 101].map((count) => say('meeting.participants', { count }))).toEqual([
      'На встрече 1 участник',
      'На встрече 2 участника',
      'На встрече 5 участников',
      'На встрече 11 участников',
      'На встрече 21 участник',
      'На встрече 22 участника',
      'На встрече 25 участников',
      'На встрече 101 участник',
    ]);
    expect([1, 2, 5, 21].map((count) => say('controls.waiting', { count }))).toEqual([
      '1 человек ждёт входа',
      '2 человека ждут входа',
      '5 человек ждут входа',
      '21 человек ждёт входа',
    ]);
    expect([1, 2, 5, 21, 1000].map((count) => say('chatFile.bytes', { count }))).toEqual(['1 байт', '2 байта', '5 байт', '21 байт', '1\u00a0000 байт']);
  });

  it('speaks the current language everywhere outside React too, and back in English after', () => {
    applyLanguage('ru');
    try {
      expect(failureText(new SignalingError('passcode-wrong', 'x', 2000))).toBe(
        'Неверный пароль. Уточните его у организатора. Попробовать снова можно через 2 с.',
      );
      expect(presenceText(['Аня', 'Боря', 'Вика', 'Гена'], ['Дима'])).toBe('Теперь на встрече: Аня, Боря и ещё 2 · Больше не на встрече: Дима');
      expect(nameList(['Аня', 'Боря'])).toBe('Аня и Боря');
      expect(endedText({ reason: 'removed', code: 'removed', by: 'Hana Host', message: 'Hana Host removed you from the meeting.' })).toBe(
        'Организатор Hana Host удалил вас со встречи.',
      );
      expect(endedText({ reason: 'host-stopped', code: 'host-stopped', meetingName: "Ada's meeting", message: 'x' })).toBe(
        "Организатор завершил встречу «Ada's meeting».",
      );
      expect(endedText({ reason: 'host-stopped', code: 'host-quit', meetingName: "Ada's meeting", message: 'x' })).toBe('Организатор закрыл Roundtable.');
      expect(endedText({ reason: 'denied', code: 'meeting-ended', message: 'x' })).toBe('Встреча закончилась раньше, чем организатор вас впустил.');
      // An older server, without codes: a generic wording of its reason.
      expect(endedText({ reason: 'denied', message: 'The meeting ended before the host let you in.' })).toBe('Вас не впустили на встречу.');
      expect(endedText({ reason: 'removed', message: 'Hana Host removed you from the meeting.' })).toBe('Организатор удалил вас со встречи.');
      expect(formatTime(new Date(2024, 0, 1, 14, 5))).toBe('14:05');
    } finally {
      applyLanguage('en');
    }
    expect(i18n.language).toBe('en');
    expect(t('meeting.participants', { count: 1 })).toBe('1 person in this meeting');
    expect(formatTime(new Date(2024, 0, 1, 14, 5))).toMatch(/^2:05\s?PM$/);
  });

  it("words why the meeting ended from the server's code and names, never from its (English) message", () => {
    const said = 'whatever the server said';
    expect(endedText({ reason: 'ended-by-host', code: 'ended-by-host', message: said })).toBe('The host ended the meeting for everyone.');
    expect(endedText({ reason: 'host-stopped', code: 'host-stopped', meetingName: "Ada Host's meeting", message: said })).toBe(
      'The host stopped hosting "Ada Host\'s meeting".',
    );
    expect(endedText({ reason: 'host-stopped', code: 'host-stopped', message: said })).toBe('The host stopped hosting the meeting.');
    expect(endedText({ reason: 'host-stopped', code: 'host-quit', meetingName: 'Standup', message: said })).toBe('The host quit Roundtable.');
    expect(endedText({ reason: 'server-shutdown', code: 'server-shutdown', message: said })).toBe('The meeting server shut down.');
    expect(endedText({ reason: 'removed', code: 'removed', by: 'Hana', message: said })).toBe('Hana removed you from the meeting.');
    expect(endedText({ reason: 'removed', code: 'removed', message: said })).toBe('The host removed you from the meeting.');
    expect(endedText({ reason: 'denied', code: 'denied', message: said })).toBe('The host did not let you into the meeting.');
    expect(endedText({ reason: 'denied', code: 'meeting-ended', message: said })).toBe('The meeting ended before the host let you in.');
    expect(endedText({ reason: null, message: 'The call ended.' })).toBe('The call ended.');
  });

  it("words an older server's ending, which has no code, generically from its reason", () => {
    expect(endedText({ reason: 'ended-by-host', message: 'The host ended the meeting for everyone.' })).toBe('The host ended the meeting for everyone.');
    expect(endedText({ reason: 'host-stopped', message: 'The host stopped hosting "Ada Host\'s meeting".' })).toBe('The host stopped hosting the meeting.');
    expect(endedText({ reason: 'host-stopped', message: 'The host quit Roundtable.' })).toBe('The host stopped hosting the meeting.');
    expect(endedText({ reason: 'server-shutdown', message: 'bye' })).toBe('The meeting server shut down.');
    expect(endedText({ reason: 'removed', message: 'Hana removed you from the meeting.' })).toBe('The host removed you from the meeting.');
    expect(endedText({ reason: 'denied', message: 'The host did not let you into the meeting.' })).toBe('You were not let into the meeting.');
    expect(endedText({ reason: 'denied', message: 'The meeting ended before the host let you in.' })).toBe('You were not let into the meeting.');
  });

  it('keeps a value as text inside a rich message, never markup', () => {
    const parts = richText<string>('trust.question', { host: '<img src=x>' }, { strong: (chunks) => `[${chunks.join('')}]` });
    expect(parts.join('')).toContain('[<img src=x>]');
    expect(en.lobby.meetingName).toBe("{name}'s meeting");
    expect(t('lobby.meetingName', { name: 'Ada' })).toBe("Ada's meeting");
    expect(t('failures.quota-exceeded')).toBe("The meeting's chat is full.");
  });
});
