import { useEffect, useRef } from 'react';

/** A short two-note chime when the count goes up (someone arrived in the waiting room). */
export function useArrivalChime(count: number): void {
  const previous = useRef(count);
  useEffect(() => {
    const grew = count > previous.current;
    previous.current = count;
    if (!grew) return;
    try {
      const context = new AudioContext();
      const notes = [660, 880];
      notes.forEach((frequency, i) => {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, context.currentTime + i * 0.15);
        gain.gain.exponentialRampToValueAtTime(0.15, context.currentTime + i * 0.15 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + i * 0.15 + 0.14);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(context.currentTime + i * 0.15);
        oscillator.stop(context.currentTime + i * 0.15 + 0.15);
      });
      setTimeout(() => void context.close(), 600);
    } catch {
      // No audio output: the badge still shows.
    }
  }, [count]);
}
