import { useEffect, useMemo, useRef, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useElementSize } from '../hooks/useElementSize';
import { arrangeTiles, type Arrangement, type LayoutMode } from '../layout/arrange';
import { Tile, type TileProps } from './Tile';
import './Stage.css';

export type TileModel = Omit<TileProps, 'width' | 'height'>;

interface Props {
  tiles: TileModel[];
  mode: LayoutMode;
  focus: string | null;
  onArranged?: (arrangement: Arrangement) => void;
}

/**
 * The meeting's tiles, each absolutely placed where the layout maths says; a tile keeps its
 * element (and its playing video) when the layout changes.
 */
export function Stage({ tiles, mode, focus, onArranged }: Props): ReactElement {
  const stage = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(stage);
  const { t } = useTranslation();
  const ids = useMemo(() => tiles.map((t) => t.participantId), [tiles]);
  const arrangement = useMemo(() => arrangeTiles({ mode, ids, focus, width, height }), [mode, ids, focus, width, height]);

  // Keyboard users start in the meeting: on joining nothing has focus (the join button is gone), so the stage takes it.
  // Space there is push-to-talk (data-shortcut-surface, see useShortcuts).
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) stage.current?.focus({ preventScroll: true });
  }, []);

  const measured = width > 0 && height > 0;
  // Not before the stage is measured: every tile would look hidden (0 x 0), and senders would stop for nothing.
  useEffect(() => {
    if (measured) onArranged?.(arrangement);
  }, [arrangement, onArranged, measured]);

  return (
    <div
      className="stage"
      ref={stage}
      data-layout={mode}
      data-testid="stage"
      role="region"
      aria-label={t('meeting.stage')}
      tabIndex={-1}
      data-shortcut-surface="true"
    >
      {tiles.map((tile) => {
        // Nothing is shown before the stage is measured: tiles placed in a 0 x 0 stage would then glide
        // from its corner to their places (the slots' transition), on joining, just as the call connects.
        const rect = measured ? arrangement.rects[tile.participantId] : null;
        return (
          <div
            key={tile.participantId}
            className="tile-slot"
            style={rect ? { transform: `translate(${rect.x}px, ${rect.y}px)`, width: rect.width, height: rect.height } : { display: 'none' }}
            data-main={arrangement.main === tile.participantId ? 'true' : undefined}
          >
            <Tile {...tile} width={rect?.width ?? 0} height={rect?.height ?? 0} />
          </div>
        );
      })}
    </div>
  );
}
