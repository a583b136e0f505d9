import { useEffect, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';

/**
 * A popover's open state: while open, Escape or a pointer press outside `root`'s element closes it.
 */
export function usePopover<T extends HTMLElement>(): { open: boolean; setOpen: Dispatch<SetStateAction<boolean>>; root: RefObject<T | null> } {
  const [open, setOpen] = useState(false);
  const root = useRef<T>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') setOpen(false);
    };
    const onPointer = (event: PointerEvent): void => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  return { open, setOpen, root };
}
