import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { nativeTheme, resetFakeElectron, Tray } from '../../../tests/fakes/electron';
import type { HostingStatus } from '@shared/ipc/hosting';
import { AppTray, trayImages, type TrayActions } from './tray';
import type { TrayCommand } from './tray-model';
import { desktopText } from '../text/desktop-text';
import type { Language } from '@shared/i18n/languages';

beforeEach(() => {
  resetFakeElectron();
  nativeTheme.shouldUseDarkColors = true;
});

const idle: HostingStatus = { state: 'idle', lastError: null };
const commands: TrayCommand[] = ['host', 'join', 'rejoin', 'copy-invite', 'show', 'mute', 'unmute', 'camera-on', 'camera-off', 'leave', 'stop-hosting', 'quit'];
const actions = (): TrayActions => Object.fromEntries(commands.map((id) => [id, vi.fn()])) as unknown as TrayActions;

function menu(tray: Tray): MenuItemConstructorOptions[] {
  return (tray.menu as unknown as { template: MenuItemConstructorOptions[] }).template;
}
function click(tray: Tray, label: string): void {
  const item = menu(tray).find((i) => i.label === label);
  if (!item?.click)
    throw new Error(
      `no "${label}" in the tray menu: ${menu(tray)
        .map((i) => i.label)
        .join(', ')}`,
    );
  (item.click as () => void)();
}

describe('the tray', () => {
  it('shows the idle menu and tooltip, with the glyph for a dark menu bar, and runs the chosen command', () => {
    const act = actions();
    new AppTray(trayImages('/res'), act, { hosting: idle, meeting: null });
    const tray = Tray.all[0]!;
    expect(tray.tooltip).toBe('Roundtable — not in a meeting');
    expect((tray.image as { path: string }).path).toBe('/res/tray-idle-dark.png');
    expect(menu(tray).map((i) => i.label ?? i.type)).toEqual(['Host a meeting', 'Join…', 'Show window', 'separator', 'Quit Roundtable']);
    click(tray, 'Host a meeting');
    expect(act.host).toHaveBeenCalledOnce();
    click(tray, 'Quit Roundtable');
    expect(act.quit).toHaveBeenCalledOnce();
  });

  it('follows the meeting: active glyph, live count, mute and unmute', () => {
    const act = actions();
    const appTray = new AppTray(trayImages('/res'), act, { hosting: idle, meeting: null });
    const tray = Tray.all[0]!;
    const report = { stage: 'meeting' as const, name: 'Ada', room: 'standup', server: 'https://h:1', participants: 2, micEnabled: true, cameraEnabled: true };
    appTray.update({ meeting: report });
    expect((tray.image as { path: string }).path).toBe('/res/tray-active-dark.png');
    expect(menu(tray).find((i) => i.id === 'participants')).toMatchObject({ label: '2 people in the meeting', enabled: false });
    click(tray, 'Mute');
    expect(act.mute).toHaveBeenCalledOnce();
    appTray.update({ meeting: { ...report, micEnabled: false } });
    expect(tray.tooltip).toBe('Roundtable — in meeting standup · 2 people · muted');
    click(tray, 'Unmute');
    expect(act.unmute).toHaveBeenCalledOnce();
  });

  it('switches to the glyph for a light menu bar when the system theme changes', () => {
    new AppTray(trayImages('/res'), actions(), { hosting: idle, meeting: null });
    nativeTheme.shouldUseDarkColors = false;
    nativeTheme.emit('updated');
    expect((Tray.all[0]!.image as { path: string }).path).toBe('/res/tray-idle-light.png');
  });

  it("speaks the app's language: Russian when it is ru, English otherwise, and follows a change", () => {
    let language: Language = 'ru';
    const act = actions();
    const appTray = new AppTray(trayImages('/res'), act, { hosting: idle, meeting: null }, () => desktopText(language));
    const tray = Tray.all[0]!;
    expect(menu(tray).map((i) => i.label ?? i.type)).toEqual(['Провести встречу', 'Присоединиться…', 'Показать окно', 'separator', 'Закрыть Roundtable']);
    expect(tray.tooltip).toBe('Roundtable — вы не на встрече');
    click(tray, 'Провести встречу');
    expect(act.host).toHaveBeenCalledOnce();

    const report = { stage: 'meeting' as const, name: 'Ada', room: 'standup', server: 'https://h:1', participants: 5, micEnabled: false, cameraEnabled: true };
    appTray.update({ meeting: report });
    expect(menu(tray).find((i) => i.id === 'participants')?.label).toBe('На встрече 5 участников');
    expect(tray.tooltip).toBe('Roundtable — на встрече standup · 5 участников · микрофон выключен');

    language = 'en';
    appTray.update({});
    expect(menu(tray).find((i) => i.id === 'participants')?.label).toBe('5 people in the meeting');
    expect(tray.tooltip).toBe('Roundtable — in meeting standup · 5 people · muted');
    click(tray, 'Unmute');
    expect(act.unmute).toHaveBeenCalledOnce();
  });
});
