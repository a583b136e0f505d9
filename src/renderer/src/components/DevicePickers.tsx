import type { ReactElement } from 'react';
import type { DeviceEntry, DeviceRole, DeviceSnapshot } from '../platform/devices';

interface Props {
  snapshot: DeviceSnapshot;
  onSelect: (role: DeviceRole, key: string) => void;
}

const PICKERS: Array<{ role: DeviceRole; label: string; testId: string; none: string }> = [
  { role: 'camera', label: 'Camera', testId: 'camera-select', none: 'No camera found' },
  { role: 'microphone', label: 'Microphone', testId: 'microphone-select', none: 'No microphone found' },
  { role: 'speaker', label: 'Speaker', testId: 'speaker-select', none: 'No speaker found' },
];

/**
 * Camera, microphone and speaker choosers: the same lists and choices as the app menu. Devices
 * calls cannot use are shown, greyed out, with the reason.
 */
export function DevicePickers({ snapshot, onSelect }: Props): ReactElement {
  return (
    <div className="pickers">
      {PICKERS.map((picker) => (
        <Picker
          key={picker.role}
          {...picker}
          entries={snapshot.entries[picker.role]}
          value={snapshot.selected[picker.role]}
          onChange={(key) => onSelect(picker.role, key)}
        />
      ))}
      {snapshot.ffmpeg.message && (
        <p className="muted device-notice" data-testid="ffmpeg-notice">
          {snapshot.ffmpeg.message}
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
  return (
    <label className="field picker">
      <span>{props.label}</span>
      <select data-testid={props.testId} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value)} disabled={!usable}>
        {(!usable || props.value === null) && <option value="">{usable ? 'Choose…' : props.none}</option>}
        {entries.map((entry) => (
          <option key={entry.key} value={entry.key} disabled={!entry.enabled} title={entry.note ?? undefined} data-enabled={entry.enabled}>
            {optionLabel(entry)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What the app menu shows too: "(default)", and the reason a device cannot be used. */
export function optionLabel(entry: DeviceEntry): string {
  const label = entry.isDefault ? `${entry.label} (default)` : entry.label;
  return !entry.enabled && entry.note ? `${label} — ${entry.note}` : label;
}
