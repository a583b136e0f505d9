import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from './app-menu';

describe('the application menu', () => {
  it('has the macOS app menu only on macOS, and a working Quit elsewhere', () => {
    const quit = vi.fn();
    const mac = appMenuTemplate('darwin', { quit, showAbout: vi.fn() });
    expect(mac[0]).toEqual({ role: 'appMenu' });
    const linux = appMenuTemplate('linux', { quit, showAbout: vi.fn() });
    expect(linux.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
    const file = linux[0]!.submenu as Array<{ label?: string; click?: () => void }>;
    file.find((i) => i.label === 'Quit')!.click!();
    expect(quit).toHaveBeenCalled();
  });
});
