import { describe, expect, it, vi } from 'vitest';
import { desktopText } from '../text/desktop-text';
import { appMenuTemplate } from './app-menu';

describe('the application menu', () => {
  it('has the macOS app menu only on macOS, and a working Quit elsewhere', () => {
    const quit = vi.fn();
    const mac = appMenuTemplate('darwin', { quit, showAbout: vi.fn() });
    expect(mac[0]).toEqual({ role: 'appMenu' });
    const linux = appMenuTemplate('linux', { quit, showAbout: vi.fn() });
    expect(linux.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    const file = linux[0]!.submenu as Array<{ label?: string; click?: () => void }>;
    file.find((i) => i.label === 'Quit')!.click!();
    expect(quit).toHaveBeenCalled();
  });

  it("speaks the app's language, its role menus included (Electron words those in English only)", () => {
    const russian = appMenuTemplate('linux', { quit: vi.fn(), showAbout: vi.fn() }, [], desktopText('ru'));
    expect(russian.map((m) => m.label)).toEqual(['Файл', 'Правка', 'Вид', 'Окно', 'Справка']);
    const edit = russian[1]!.submenu as Array<{ label?: string; role?: string }>;
    expect(edit.filter((i) => i.role).every((i) => i.label && /[а-яё]/i.test(i.label))).toBe(true);
  });
});
