import { useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useAnchoredPanel } from '../hooks/useAnchoredPanel';
import { useDeviceChoices } from '../hooks/useDeviceChoices';
import { usePopover } from '../hooks/usePopover';
import type { DeviceChoices } from '../platform/devices';
import { DevicePickers } from './DevicePickers';
import { LanguagePicker } from './LanguagePicker';
import './DeviceSettings.css';
import { errorMessage } from '@shared/errors';

const GEAR =
  'M19.14 12.94a7.1 7.1 0 0 0 0-1.88l2.03-1.58a.5.5 0 0 0 .12-.64l-1.92-3.32a.5.5 0 0 0-.6-.22l-2.39.96a7 7 0 0 0-1.63-.94l-.36-2.54A.5.5 0 0 0 13.9 2.4h-3.84a.5.5 0 0 0-.49.42l-.36 2.54c-.59.24-1.13.56-1.63.94l-2.39-.96a.5.5 0 0 0-.6.22L2.67 8.88a.5.5 0 0 0 .12.64l2.03 1.58a7.1 7.1 0 0 0 0 1.88l-2.03 1.58a.5.5 0 0 0-.12.64l1.92 3.32c.13.22.39.3.6.22l2.39-.96c.5.38 1.04.7 1.63.94l.36 2.54c.05.24.25.42.49.42h3.84c.24 0 .45-.18.49-.42l.36-2.54c.59-.24 1.13-.56 1.63-.94l2.39.96c.22.08.47 0 .6-.22l1.92-3.32a.5.5 0 0 0-.12-.64l-2.03-1.58ZM12 15.6a3.6 3.6 0 1 1 0-7.2 3.6 3.6 0 0 1 0 7.2Z';

interface Props {
  /** Where the panel opens from the button: above it (in a bottom bar) or below it (in a header). */
  placement?: 'above' | 'below';
  choices?: DeviceChoices;
}

/**
 * In a meeting: a button that opens a small panel with the camera, microphone and speaker
 * pickers. A choice switches the device at once (no renegotiation); on the desktop it is the same
 * choice as in the app menu.
 */
export function DeviceSettings({ placement = 'above', choices }: Props): ReactElement {
  const { snapshot, choices: devices } = useDeviceChoices(choices);
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  // Placed from the button's box and held inside the window; a bottom sheet on a phone.
  const placed = useAnchoredPanel(open, button, panel, { placement });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { t } = useTranslation();

  const act = (work: () => Promise<void>): void => {
    setProblem(null);
    void work().catch((error: unknown) => setProblem(errorMessage(error)));
  };

  return (
    <div className="device-settings" ref={root}>
      <button
        ref={button}
        type="button"
        className={open ? 'round active' : 'round'}
        data-testid="device-settings-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={t('settings.button')}
        aria-label={t('settings.button')}
        onClick={() => setOpen(!open)}
      >
        <svg width={20} height={20} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path fill="currentColor" d={GEAR} />
        </svg>
      </button>
      {open && (
        <div
          ref={panel}
          className={`device-settings-panel ${placed.sheet ? 'sheet' : placement}`}
          style={placed.style}
          role="dialog"
          aria-label={t('settings.panel')}
          data-testid="device-settings"
        >
          <header>
            <h2>{t('settings.devices')}</h2>
            <button
              type="button"
              className="secondary small"
              data-testid="refresh-devices"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  setBusy(true);
                  await devices.refresh().finally(() => setBusy(false));
                })
              }
            >
              {busy ? t('settings.refreshing') : t('settings.refresh')}
            </button>
            {placed.sheet && (
              <button type="button" className="icon-button" data-testid="device-settings-close" aria-label={t('settings.close')} onClick={() => setOpen(false)}>
                ×
              </button>
            )}
          </header>
          <DevicePickers snapshot={snapshot} onSelect={(role, key) => act(() => devices.select(role, key))} />
          {problem && (
            <p className="form-error" role="alert">
              {problem}
            </p>
          )}
          <LanguagePicker />
        </div>
      )}
    </div>
  );
}
