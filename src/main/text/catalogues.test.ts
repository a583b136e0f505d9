import { describe, expect, it } from 'vitest';
import { catalogueProblems } from '@shared/i18n/catalogue-check';
import { DESKTOP_CATALOGUES, desktopText } from './desktop-text';

describe('the catalogues of the main process', () => {
  it('have the same keys in English and Russian, each message valid ICU with the same arguments, every plural worded', () => {
    expect(catalogueProblems(DESKTOP_CATALOGUES)).toEqual([]);
  });

  it('give each number its Russian plural, and English when asked', () => {
    const ru = desktopText('ru');
    expect([1, 2, 5, 21].map((count) => ru('tray.people', { count }))).toEqual(['1 участник', '2 участника', '5 участников', '21 участник']);
    expect(desktopText('en')('tray.people', { count: 1 })).toBe('1 person');
    expect(desktopText('en')('notices.meetingName', { name: 'Ada' })).toBe("Ada's meeting");
  });
});
