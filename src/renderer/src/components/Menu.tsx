import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from 'react';
import './Menu.css';

const ITEMS = '[role="menuitem"]:not(:disabled), [role="menuitemcheckbox"]:not(:disabled), [role="menuitemradio"]:not(:disabled)';

type Focus = 'first' | 'last';

/** Spread on the button that opens the menu. */
export interface MenuButtonProps {
  ref: RefObject<HTMLButtonElement | null>;
  id: string;
  'aria-haspopup': 'menu';
  'aria-expanded': boolean;
  'aria-controls': string | undefined;
  onClick: (event: ReactMouseEvent<HTMLButtonElement>) => void;
  onKeyDown: (event: ReactKeyboardEvent<HTMLButtonElement>) => void;
}

/** Spread on the popup (the element with role="menu"); <Menu> does it. */
export interface MenuPopupProps {
  ref: RefObject<HTMLDivElement | null>;
  id: string;
  'aria-labelledby': string;
  onKeyDown: (event: ReactKeyboardEvent<HTMLDivElement>) => void;
}

export interface MenuState {
  open: boolean;
  /** Opens the menu with focus on its first (or last) item. */
  show: (focus?: Focus) => void;
  /** Closes the menu; focus goes back to its button unless `returnFocus` is false. */
  close: (returnFocus?: boolean) => void;
  button: MenuButtonProps;
  /** For <Menu>: spread on the popup. */
  popup: MenuPopupProps;
}

export interface MenuOptions {
  /**
   * Place the popup in the window (position: fixed, under the button's right edge, or above it
   * when there is no room below) rather than in its anchor: for a menu inside a scrolling list,
   * which would otherwise clip it.
   */
  floating?: boolean;
}

/**
 * A WAI-ARIA menu button: the button says it opens a menu and whether it is open; opening moves
 * focus to the first item; arrows, Home and End move between items; Esc closes the menu (and only
 * the menu) with focus back on the button; Tab, or a press outside, closes it.
 */
export function useMenu({ floating = false }: MenuOptions = {}): MenuState {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const popup = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<Focus | null>(null);
  const buttonId = useId();
  const menuId = useId();

  const show = useCallback((focus: Focus = 'first') => {
    pendingFocus.current = focus;
    setOpen(true);
  }, []);
  const close = useCallback((returnFocus = true) => {
    pendingFocus.current = null;
    setOpen(false);
    if (returnFocus) button.current?.focus();
  }, []);

  useLayoutEffect(() => {
    if (!open || !floating) return;
    const place = (): void => {
      const menu = popup.current;
      const anchor = button.current;
      if (!menu || !anchor) return;
      const at = anchor.getBoundingClientRect();
      const below = at.bottom + 4 + menu.offsetHeight <= window.innerHeight;
      Object.assign(menu.style, {
        position: 'fixed',
        left: 'auto',
        right: `${Math.max(4, window.innerWidth - at.right)}px`,
        top: below ? `${at.bottom + 4}px` : 'auto',
        bottom: below ? 'auto' : `${Math.max(4, window.innerHeight - at.top + 4)}px`,
      });
    };
    place();
    window.addEventListener('resize', place);
    document.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      document.removeEventListener('scroll', place, true);
    };
  }, [open, floating]);

  // Focus moves into the menu once its items are there.
  useEffect(() => {
    if (!open || !pendingFocus.current) return;
    const items = menuItems(popup.current);
    (pendingFocus.current === 'first' ? items[0] : items[items.length - 1])?.focus();
    pendingFocus.current = null;
  }, [open]);

  // A press anywhere else, or focus going elsewhere, closes it (focus stays where the person put it).
  useEffect(() => {
    if (!open) return;
    const inside = (node: EventTarget | null): boolean =>
      node instanceof Node && (popup.current?.contains(node) === true || button.current?.contains(node) === true);
    const onPointerDown = (event: PointerEvent): void => {
      if (!inside(event.target)) close(false);
    };
    const onFocusIn = (event: FocusEvent): void => {
      if (!inside(event.target)) close(false);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, [open, close]);

  return {
    open,
    show,
    close,
    button: {
      ref: button,
      id: buttonId,
      'aria-haspopup': 'menu',
      'aria-expanded': open,
      'aria-controls': open ? menuId : undefined,
      onClick: () => (open ? close() : show('first')),
      onKeyDown: (event) => {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          show(event.key === 'ArrowDown' ? 'first' : 'last');
        }
      },
    },
    popup: {
      ref: popup,
      id: menuId,
      'aria-labelledby': buttonId,
      onKeyDown: (event) => {
        const items = menuItems(popup.current);
        const at = items.indexOf(document.activeElement as HTMLElement);
        const move = (index: number): void => {
          event.preventDefault();
          items[(index + items.length) % items.length]?.focus();
        };
        switch (event.key) {
          case 'ArrowDown':
          case 'ArrowRight':
            return move(at + 1);
          case 'ArrowUp':
          case 'ArrowLeft':
            return move(at < 0 ? -1 : at - 1);
          case 'Home':
            return move(0);
          case 'End':
            return move(-1);
          case 'Escape':
            // Only the menu closes: nothing behind it (a panel, the meeting) hears this Escape.
            event.preventDefault();
            event.stopPropagation();
            return close();
          case 'Tab':
            // Focus goes back to the button first, so Tab moves on from there (no preventDefault).
            return close();
        }
      },
    },
  };
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return menu ? [...menu.querySelectorAll<HTMLElement>(ITEMS)] : [];
}

interface MenuProps {
  menu: MenuState;
  className: string;
  /** 'horizontal' for a row of items (Left/Right move too either way). */
  orientation?: 'vertical' | 'horizontal';
  label?: string;
  testId?: string;
  children: ReactNode;
}

/** The popup of a menu made with useMenu; renders nothing while closed. Its items are <MenuItem>s. */
export function Menu({ menu, className, orientation = 'vertical', label, testId, children }: MenuProps): ReactElement | null {
  if (!menu.open) return null;
  return (
    <div
      {...menu.popup}
      {...(label ? { 'aria-label': label, 'aria-labelledby': undefined } : {})}
      className={className}
      role="menu"
      aria-orientation={orientation}
      data-testid={testId}
    >
      {children}
    </div>
  );
}

interface MenuItemProps {
  menu: MenuState;
  /** Runs after the menu has closed (focus back on its button). */
  onSelect: () => void;
  className?: string;
  testId?: string;
  label?: string;
  title?: string;
  children: ReactNode;
}

/** One item: out of the Tab order (arrows reach it); Enter, Space or a click closes the menu and acts. */
export function MenuItem({ menu, onSelect, className = 'menu-item', testId, label, title, children }: MenuItemProps): ReactElement {
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      className={className}
      data-testid={testId}
      aria-label={label}
      title={title}
      onClick={() => {
        menu.close();
        onSelect();
      }}
    >
      {children}
    </button>
  );
}
