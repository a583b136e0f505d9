import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactElement, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import './Dialog.css';

const FOCUSABLE = [
  'a[href]',
  'button:not(:disabled)',
  'input:not(:disabled):not([type="hidden"])',
  'select:not(:disabled)',
  'textarea:not(:disabled)',
  'iframe',
  'audio[controls]',
  'video[controls]',
  '[contenteditable]:not([contenteditable="false"])',
  '[tabindex]',
].join(', ');

/** The elements Tab reaches inside `root`, in order. */
function tabbable(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.tabIndex >= 0 && element.getClientRects().length > 0);
}

interface Props {
  /** 'alertdialog' for a question that needs an answer (a confirmation). */
  role?: 'dialog' | 'alertdialog';
  /** The dialog's name: a label, or the id of its heading. */
  label?: string;
  labelledBy?: string;
  describedBy?: string;
  className: string;
  testId?: string;
  /** What takes focus on opening; the first thing Tab reaches otherwise. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Escape, or a click on the backdrop. */
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal dialog over the whole window: focus moves into it when it opens and stays in it
 * (Tab and Shift+Tab wrap around), Escape closes it (and nothing behind it), and focus goes back
 * to what had it before (the button that opened it) when it closes.
 */
export function Dialog({ role = 'dialog', label, labelledBy, describedBy, className, testId, initialFocus, onClose, children }: Props): ReactElement {
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = dialog.current;
    if (root) (initialFocus?.current ?? tabbable(root)[0] ?? root).focus();
    // Focus that lands outside (a click can't, the backdrop covers the page, but a script can) comes back in.
    const onFocusIn = (event: FocusEvent): void => {
      if (root && event.target instanceof Node && !root.contains(event.target)) (tabbable(root)[0] ?? root).focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      if (opener?.isConnected) opener.focus({ preventScroll: true });
    };
    // Opening is once per mount; initialFocus is read then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const items = tabbable(dialog.current);
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    if (event.shiftKey && (active === first || !dialog.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="overlay" onClick={onClose}>
      <div
        ref={dialog}
        className={`dialog ${className}`}
        role={role}
        aria-modal="true"
        aria-label={label}
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        onClick={(event) => event.stopPropagation()}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}
