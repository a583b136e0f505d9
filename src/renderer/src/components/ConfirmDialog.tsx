import { useId, useRef, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  message: string;
  /** Names the destructive action, e.g. "Remove Bob". */
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asks before something that cannot be undone. Cancel has focus, so Enter or Escape changes nothing. */
export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel }: Props): ReactElement {
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const messageId = useId();
  const { t } = useTranslation();
  return (
    <Dialog
      role="alertdialog"
      labelledBy={titleId}
      describedBy={messageId}
      className="card confirm-card"
      testId="confirm-dialog"
      initialFocus={cancel}
      onClose={onCancel}
    >
      <h2 id={titleId}>{title}</h2>
      <p id={messageId}>{message}</p>
      <div className="row end">
        <button ref={cancel} type="button" className="secondary" data-testid="cancel-button" onClick={onCancel}>
          {t('confirm.cancel')}
        </button>
        <button type="button" className="destructive" data-testid="confirm-button" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
