import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkQuality } from '../call/quality';
import { formatNumber, t } from '../text/i18n';

const LABEL = { good: 'quality.good', fair: 'quality.fair', poor: 'quality.poor', unknown: 'quality.unknown' } as const;

function kbps(bits: number): string {
  return bits >= 1_000_000 ? t('quality.mbps', { value: formatNumber(bits / 1_000_000, 1) }) : t('quality.kbps', { value: formatNumber(bits / 1000) });
}

/** Signal bars from RTT and loss; details (RTT, loss, bitrates, resolution) on click. */
export function QualityIndicator({ quality }: { quality: LinkQuality }): ReactElement {
  const [open, setOpen] = useState(false);
  const bars = { good: 3, fair: 2, poor: 1, unknown: 0 }[quality.level];
  // Re-renders in a new language.
  useTranslation();
  return (
    <div className="quality">
      <button
        type="button"
        className={`tile-button quality-${quality.level}`}
        data-testid="quality-indicator"
        data-level={quality.level}
        title={t(LABEL[quality.level])}
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
          <dt>{t('quality.roundTrip')}</dt>
          <dd>{quality.rttMs === null ? '—' : t('quality.ms', { ms: formatNumber(quality.rttMs) })}</dd>
          <dt>{t('quality.loss')}</dt>
          <dd>{t('quality.percent', { value: formatNumber(quality.loss * 100, 1) })}</dd>
          <dt>{t('quality.receiving')}</dt>
          <dd>{kbps(quality.bitrateIn)}</dd>
          <dt>{t('quality.sending')}</dt>
          <dd>{kbps(quality.bitrateOut)}</dd>
          <dt>{t('quality.video')}</dt>
          <dd>
            {quality.resolution.height
              ? t('quality.resolution', { width: quality.resolution.width, height: quality.resolution.height, fps: Math.round(quality.framesPerSecond) })
              : '—'}
          </dd>
        </dl>
      )}
    </div>
  );
}
