import type { ReactElement } from 'react';

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words.slice(0, 1);
  return letters.map((word) => [...word][0]!.toUpperCase()).join('') || '?';
}

/** A stable, pleasant hue for a participant, so the same person keeps the same colour. */
function hue(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function Avatar({ name, seed }: { name: string; seed: string }): ReactElement {
  return (
    <div className="avatar" style={{ backgroundColor: `hsl(${hue(seed)} 45% 38%)` }} aria-hidden="true">
      {initials(name)}
    </div>
  );
}
