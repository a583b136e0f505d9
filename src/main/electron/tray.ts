import { join } from 'node:path';
import { Menu, nativeImage, nativeTheme, Tray, type MenuItemConstructorOptions } from 'electron';
import { englishText, type Translate } from '../text/desktop-text';
import { trayModel, type TrayCommand, type TrayModel, type TrayState } from './tray-model';

/** Tray glyphs: `light` is drawn for light menu bars (a dark glyph), `dark` for dark ones. */
export interface TrayImages {
  idle: { light: string; dark: string };
  active: { light: string; dark: string };
}

/** resources/tray-<state>-<variant>.png (with @2x versions beside them, which Electron picks up). */
export function trayImages(resourcesDir: string): TrayImages {
  const file = (state: string, variant: string): string => join(resourcesDir, `tray-${state}-${variant}.png`);
  return { idle: { light: file('idle', 'light'), dark: file('idle', 'dark') }, active: { light: file('active', 'light'), dark: file('active', 'dark') } };
}

export type TrayActions = Record<TrayCommand, () => void>;

/** The model's items as an Electron menu template; each command calls its action. */
export function trayMenuTemplate(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  return model.items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { id: item.id, label: item.label, enabled: false };
      case 'command':
        return { id: item.id, label: item.label, click: () => actions[item.id]() };
    }
  });
}

/** The tray icon: follows the meeting state and the system's light or dark theme. */
export class AppTray {
  private readonly tray: Tray;
  private state: TrayState;
  private readonly onTheme = (): void => this.render();

  constructor(
    private readonly images: TrayImages,
    private readonly actions: TrayActions,
    initial: TrayState,
    /** The app's words now (they follow the language setting: call `update({})` after a change). */
    private readonly text: () => Translate = () => englishText,
  ) {
    this.state = initial;
    this.tray = new Tray(this.image(trayModel(initial, this.text())));
    nativeTheme.on('updated', this.onTheme);
    this.render();
  }

  update(change: Partial<TrayState>): void {
    this.state = { ...this.state, ...change };
    this.render();
  }

  destroy(): void {
    nativeTheme.removeListener('updated', this.onTheme);
    this.tray.destroy();
  }

  private image(model: TrayModel) {
    const variant = nativeTheme.shouldUseDarkColors ? 'dark' : 'light';
    return nativeImage.createFromPath(this.images[model.icon][variant]);
  }

  private render(): void {
    const model = trayModel(this.state, this.text());
    this.tray.setImage(this.image(model));
    this.tray.setToolTip(model.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(model, this.actions)));
  }
}
