import { useState, type FormEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddSourceRequest } from '@shared/ipc/capture';
import { usePopover } from '../hooks/usePopover';
import './AddSource.css';
import { errorMessage } from '@shared/errors';

export interface SourceUse {
  camera: boolean;
  microphone: boolean;
}

interface Props {
  /** Checks and keeps the source, then uses it as asked; rejects with a sentence to show. */
  onAdd: (request: AddSourceRequest, use: SourceUse) => Promise<void>;
  /** A file picker (the desktop's); absent where there is none. */
  onBrowse?: () => Promise<string | null>;
}

const PLUS = 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2Z';

/**
 * "Add a source…": an IP camera or stream (rtsp://, http(s)://), a video or sound file, or FFmpeg's
 * test pattern, checked by FFmpeg and then listed with the cameras and microphones (here, in the
 * pickers and in the app menu). It can be used as the camera, the microphone or both at once.
 */
export function AddSource({ onAdd, onBrowse }: Props): ReactElement {
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const [input, setInput] = useState('');
  const [use, setUse] = useState<SourceUse>({ camera: true, microphone: false });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { t } = useTranslation();

  const add = (request: AddSourceRequest): void => {
    setBusy(true);
    setProblem(null);
    onAdd(request, use).then(
      () => {
        setBusy(false);
        setInput('');
        setOpen(false);
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(errorMessage(error));
      },
    );
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (input.trim()) add({ input: input.trim() });
  };

  return (
    <div className="add-source" ref={root}>
      <button
        type="button"
        className={open ? 'round active' : 'round'}
        data-testid="add-source-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={t('addSource.button')}
        onClick={() => setOpen(!open)}
      >
        <svg width={22} height={22} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path fill="currentColor" d={PLUS} />
        </svg>
      </button>
      {open && (
        <form className="add-source-panel" role="dialog" aria-label={t('addSource.title')} data-testid="add-source" onSubmit={submit}>
          <h2>{t('addSource.title')}</h2>
          <p className="muted">{t('addSource.detail')}</p>
          <div className="add-source-row">
            <input
              data-testid="source-input"
              value={input}
              placeholder={t('addSource.placeholder')}
              aria-label={t('addSource.input')}
              autoFocus
              spellCheck={false}
              onChange={(e) => setInput(e.target.value)}
            />
            {onBrowse && (
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() =>
                  void onBrowse().then(
                    (path) => path && setInput(path),
                    () => undefined,
                  )
                }
              >
                {t('addSource.browse')}
              </button>
            )}
          </div>
          <fieldset className="add-source-use">
            <legend>{t('addSource.useAs')}</legend>
            <label>
              <input type="checkbox" data-testid="use-as-camera" checked={use.camera} onChange={(e) => setUse({ ...use, camera: e.target.checked })} />{' '}
              {t('addSource.camera')}
            </label>
            <label>
              <input
                type="checkbox"
                data-testid="use-as-microphone"
                checked={use.microphone}
                onChange={(e) => setUse({ ...use, microphone: e.target.checked })}
              />{' '}
              {t('addSource.microphone')}
            </label>
          </fieldset>
          {problem && (
            <p className="form-error" role="alert" data-testid="add-source-error">
              {problem}
            </p>
          )}
          <div className="add-source-actions">
            <button type="button" className="secondary" data-testid="add-test-source" disabled={busy} onClick={() => add({ test: true })}>
              {t('addSource.testPattern')}
            </button>
            <button type="submit" className="primary" data-testid="add-source-submit" disabled={busy || !input.trim()}>
              {busy ? t('addSource.checking') : t('addSource.add')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** An FFmpeg source stopped by itself (unplugged, stream over): why, and a way to start it again. */
export function SourceStoppedNotice(props: { device: 'camera' | 'microphone'; reason: string; onRestart: () => void; restarting: boolean }): ReactElement {
  const { t } = useTranslation();
  return (
    <div className="source-stopped" role="alert" data-testid="source-stopped" data-device={props.device}>
      <span>{t(props.device === 'camera' ? 'addSource.cameraStopped' : 'addSource.microphoneStopped', { reason: props.reason })}</span>
      <button type="button" className="secondary" data-testid="restart-source" disabled={props.restarting} onClick={props.onRestart}>
        {props.restarting ? t('addSource.restarting') : t('addSource.restart')}
      </button>
    </div>
  );
}
