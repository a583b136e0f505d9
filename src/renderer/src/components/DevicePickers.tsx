import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceEntry, DeviceRole, DeviceSnapshot } from '../platform/devices';
import type { TextKey } from '../text/i18n';
import { deviceWords, ffmpegNotice } from '../text/devices';

interface Props {
  snapshot: DeviceSnapshot;
  onSelect: (role: DeviceRole, key: string) => void;
}

const PICKERS: Array<{ role: DeviceRole; label: TextKey; testId: string; none: TextKey }> = [
  { role: 'camera', label: 'devices.camera', testId: 'camera-select', none: 'devices.noCamera' },
  { role: 'microphone', label: 'devices.microphone', testId: 'microphone-select', none: 'devices.noMicrophone' },
  { role: 'speaker', label: 'devices.speaker', testId: 'speaker-select', none: 'devices.noSpeaker' },
];

/**
 * Camera, microphone and speaker choosers: the same lists and choices as the app menu. Devices
 * calls cannot use are shown, greyed out, with the reason.
 */
export function DevicePickers({ snapshot, onSelect }: Props): ReactElement {
  const { t } = useTranslation();
  const notice = ffmpegNotice(snapshot.ffmpeg);
  return (
    <div className="pickers">
      {PICKERS.map((picker) => (
        <Picker
          key={picker.role}
          {...picker}
          label={t(picker.label)}
          none={t(picker.none)}
          entries={snapshot.entries[picker.role]}
          value={snapshot.selected[picker.role]}
          onChange={(key) => onSelect(picker.role, key)}
        />
      ))}
      {notice && (
        <p className="muted device-notice" data-testid="ffmpeg-notice" title={snapshot.ffmpeg.message ?? undefined}>
          {notice}
        </p>
      )}
    </div>
  );
}

function Picker(props: {
  label: string;
  testId: string;
  none: string;
  entries: DeviceEntry[];
  value: string | null;
  onChange: (key: string) => void;
}): ReactElement {
  const { entries } = props;
  const usable = entries.some((e) => e.enabled);
  const { t } = useTranslation();
  return (
    <label className="field picker">
      <span>{props.label}</span>
      <select data-testid={props.testId} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value)} disabled={!usable}>
        {(!usable || props.value === null) && <option value="">{usable ? t('devices.choose') : props.none}</option>}
        {entries.map((entry) => (
          <option key={entry.key} value={entry.key} disabled={!entry.enabled} title={deviceWords(entry.note) ?? undefined} data-enabled={entry.enabled}>
            {optionLabel(entry, (label) => t('devices.isDefault', { label }))}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What the app menu shows too: "(default)", and the reason a device cannot be used. */
export function optionLabel(entry: DeviceEntry, asDefault: (label: string) => string = (label) => `${label} (default)`): string {
  const label = entry.isDefault ? asDefault(deviceWords(entry.label)) : deviceWords(entry.label);
  return !entry.enabled && entry.note ? `${label} — ${deviceWords(entry.note)}` : label;
}
