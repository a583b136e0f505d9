import { useEffect, useRef } from 'react';

export interface ShortcutActions {
  toggleMic: () => void;
  toggleCamera: () => void;
  /** Space held while muted: talk (true) and back to muted (false). */
  pushToTalk: (talking: boolean) => void;
  toggleHand: () => void;
  toggleChat: () => void;
  toggleLayout: () => void;
  help: () => void;
  escape: () => void;
}

/** Marks an element that can hold focus but takes no keys itself (the meeting's stage): Space there is push-to-talk. */
export const SHORTCUT_SURFACE = 'data-shortcut-surface';

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Space belongs to whatever has focus (a button, link, checkbox, menu item, a scrolling list…), so
 * it is push-to-talk only when nothing focusable has focus: the page itself, or a surface marked
 * with SHORTCUT_SURFACE. A key event's target is the focused element, and only focusable elements
 * can have focus, so any other target would take Space for itself.
 */
function spaceIsFree(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return true;
  if (target === document.body || target === document.documentElement) return true;
  return target.hasAttribute(SHORTCUT_SURFACE);
}

/** Inside a modal dialog the meeting's shortcuts are off: the dialog owns the keyboard. */
function inModal(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[aria-modal="true"]') !== null;
}

/** The meeting's keyboard shortcuts, off while typing in a field or in a modal dialog. */
export function useShortcuts(actions: ShortcutActions): void {
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  });

  useEffect(() => {
    let spaceHeld = false;
    const onKeyDown = (event: KeyboardEvent): void => {
      // A menu or dialog that closed itself on this Escape has handled it.
      if (event.key === 'Escape') {
        if (!event.defaultPrevented) latest.current.escape();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typingInto(event.target) || inModal(event.target)) return;
      const a = latest.current;
      if (event.code === 'Space') {
        if (!spaceIsFree(event.target)) return;
        event.preventDefault();
        if (!event.repeat && !spaceHeld) {
          spaceHeld = true;
          a.pushToTalk(true);
        }
        return;
      }
      if (event.repeat) return;
      const handlers: Record<string, () => void> = { m: a.toggleMic, v: a.toggleCamera, h: a.toggleHand, c: a.toggleChat, l: a.toggleLayout, '?': a.help };
      const handler = handlers[event.key.toLowerCase()];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    const onKeyUp = (event: KeyboardEvent): void => {
      if (event.code === 'Space' && spaceHeld) {
        spaceHeld = false;
        latest.current.pushToTalk(false);
      }
    };
    const onBlur = (): void => {
      if (spaceHeld) {
        spaceHeld = false;
        latest.current.pushToTalk(false);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, []);
}
