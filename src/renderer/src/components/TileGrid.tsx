import { useRef, type ReactElement } from 'react';
import { useElementSize } from '../hooks/useElementSize';
import { bestGrid } from '../layout/grid';
import { Tile, type TileProps } from './Tile';

export type TileModel = Omit<TileProps, 'width' | 'height'>;

const GAP = 8;

/** Every tile at the same size, as large as the stage allows with the 16:9 aspect kept. */
export function TileGrid({ tiles }: { tiles: TileModel[] }): ReactElement {
  const stage = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(stage);
  const grid = bestGrid({ count: tiles.length, width, height, gap: GAP });
  return (
    <div className="stage" ref={stage}>
      <div className="grid" style={{ width: grid.columns * grid.tileWidth + (grid.columns - 1) * GAP, gap: GAP }}>
        {tiles.map((tile) => (
          <Tile key={tile.participantId} {...tile} width={grid.tileWidth} height={grid.tileHeight} />
        ))}
      </div>
    </div>
  );
}
