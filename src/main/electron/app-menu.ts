import type { MenuItemConstructorOptions } from 'electron';
import { englishText, type Translate } from '../text/desktop-text';

export interface AppMenuActions {
  quit: () => void;
  showAbout: () => void;
}

/**
 * The application menu as data; `Menu.buildFromTemplate` turns it into the real one. `features` are
 * menus features add (e.g. Devices), placed between View and Window. Every label is in the app's
 * language (`t`): Electron words its role menus in English only, so they are spelled out here.
 */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  actions: AppMenuActions,
  features: MenuItemConstructorOptions[] = [],
  t: Translate = englishText,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: t('menu.file'),
      submenu: [mac ? { role: 'close' as const, label: t('menu.close') } : { label: t('menu.quit'), accelerator: 'CmdOrCtrl+Q', click: actions.quit }],
    },
    {
      label: t('menu.edit'),
      submenu: [
        { role: 'undo', label: t('menu.undo') },
        { role: 'redo', label: t('menu.redo') },
        { type: 'separator' },
        { role: 'cut', label: t('menu.cut') },
        { role: 'copy', label: t('menu.copy') },
        { role: 'paste', label: t('menu.paste') },
        { role: 'delete', label: t('menu.delete') },
        { type: 'separator' },
        { role: 'selectAll', label: t('menu.selectAll') },
      ],
    },
    {
      label: t('menu.view'),
      submenu: [
        { role: 'resetZoom', label: t('menu.actualSize') },
        { role: 'zoomIn', label: t('menu.zoomIn') },
        { role: 'zoomOut', label: t('menu.zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: t('menu.fullScreen') },
      ],
    },
    ...features,
    {
      role: 'windowMenu',
      label: t('menu.window'),
      submenu: [
        { role: 'minimize', label: t('menu.minimize') },
        { role: 'close', label: t('menu.close') },
      ],
    },
    { role: 'help', label: t('menu.help'), submenu: [{ label: t('menu.about'), click: actions.showAbout }] },
  ];
}
