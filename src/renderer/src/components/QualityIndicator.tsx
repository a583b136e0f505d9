import { useState, type ReactElement } from 'react';
import type { LinkQuality } from '../call/quality';

const LABEL = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection', unknown: 'Connecting' } as const;

function kbps(bits: number): string {
  return bits >= 1_000_000 ? `${(bits / 1_000_000).toFixed(1)} Mbit/s` : `${Math.round(bits / 1000)} kbit/s`;
}

/** Signal bars from RTT and loss; details (RTT, loss, bitrates, resolution) on click. */
export function QualityIndicator({ quality }: { quality: LinkQuality }): ReactElement {
  const [open, setOpen] = useState(false);
  const bars = { good: 3, fair: 2, poor: 1, unknown: 0 }[quality.level];
  return (
    <div className="quality">
      <button
        type="button"
        className={`tile-button quality-${quality.level}`}
        data-testid="quality-indicator"
        data-level={quality.level}
        title={LABEL[quality.level]}
        onClick={() => setOpen(!open)}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <rect key={i} x={2 + i * 5} y={11 - i * 4} width="3" height={4 + i * 4} rx="1" fill="currentColor" opacity={i < bars ? 1 : 0.3} />
          ))}
        </svg>
      </button>
      {open && (
        <dl className="quality-details" data-testid="quality-details">
          <dt>Round trip</dt>
          <dd>{quality.rttMs === null ? '—' : `${Math.round(quality.rttMs)} ms`}</dd>
          <dt>Packet loss</dt>
          <dd>{(quality.loss * 100).toFixed(1)} %</dd>
          <dt>Receiving</dt>
          <dd>{kbps(quality.bitrateIn)}</dd>
          <dt>Sending</dt>
          <dd>{kbps(quality.bitrateOut)}</dd>
          <dt>Video</dt>
          <dd>{quality.resolution.height ? `${quality.resolution.width}×${quality.resolution.height} @ ${Math.round(quality.framesPerSecond)} fps` : '—'}</dd>
        </dl>
      )}
    </div>
  );
}
