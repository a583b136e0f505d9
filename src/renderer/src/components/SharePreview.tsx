import type { ReactElement } from 'react';
import { VideoView } from './VideoView';
import './SharePreview.css';

/** For the person sharing: a small picture of what the others see of their screen. */
export function SharePreview({ track }: { track: MediaStreamTrack | null }): ReactElement {
  return (
    <figure className="share-preview" data-testid="share-preview" aria-label="Your shared screen">
      <VideoView track={track} />
      <figcaption>Your screen</figcaption>
    </figure>
  );
}
