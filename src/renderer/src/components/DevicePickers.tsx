import type { ReactElement } from 'react';

interface Props {
  devices: MediaDeviceInfo[];
  camera: string | undefined;
  microphone: string | undefined;
  speaker: string | undefined;
  onCamera: (id: string) => void;
  onMicrophone: (id: string) => void;
  onSpeaker: (id: string) => void;
}

/** Camera, microphone and speaker choosers, from Chromium's device list. */
export function DevicePickers({ devices, camera, microphone, speaker, onCamera, onMicrophone, onSpeaker }: Props): ReactElement {
  return (
    <div className="pickers">
      <Picker label="Camera" testId="camera-select" kind="videoinput" devices={devices} value={camera} onChange={onCamera} />
      <Picker label="Microphone" testId="microphone-select" kind="audioinput" devices={devices} value={microphone} onChange={onMicrophone} />
      <Picker label="Speaker" testId="speaker-select" kind="audiooutput" devices={devices} value={speaker} onChange={onSpeaker} />
    </div>
  );
}

function Picker(props: {
  label: string;
  testId: string;
  kind: MediaDeviceKind;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange: (id: string) => void;
}): ReactElement {
  const options = props.devices.filter((d) => d.kind === props.kind && d.deviceId);
  return (
    <label className="field picker">
      <span>{props.label}</span>
      <select
        data-testid={props.testId}
        value={props.value ?? options[0]?.deviceId ?? ''}
        onChange={(e) => props.onChange(e.target.value)}
        disabled={options.length === 0}
      >
        {options.length === 0 && <option value="">None found</option>}
        {options.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${props.label} ${index + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
