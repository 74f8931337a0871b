/**
 * A modal dialog for the manager's tablet: the native <dialog> in the top layer (the page behind
 * is inert), Escape or ✕ closes it, focus goes to the first field (or `data-autofocus`) and back
 * to the button that opened it. Mounted = open; the parent unmounts it to close. Its footer is
 * Cancel (`<name>-cancel`, where `testId` is `<name>-dialog`) and the dialog's action. With it, what
 * every dialog of the tablet shares: the sending state and the error line.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../components/format';
import { opsErrorMsg, renderMsg } from './ops';

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The dialog's button next to Cancel; it reads "sending…" while busy. */
export interface DialogAction {
  label: string;
  testId: string;
  onClick: () => void;
  disabled: boolean;
  busy: boolean;
  tone?: 'primary' | 'green' | 'danger';
}

export function Dialog({
  title,
  subtitle,
  onClose,
  children,
  action,
  focusCancel = false,
  testId,
  tone = 'default',
  wide = false,
  cancelLabel,
}: {
  title: string;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  action: DialogAction;
  /** The safe choice takes the focus (a destructive action). */
  focusCancel?: boolean;
  testId: string;
  tone?: 'default' | 'danger' | 'green';
  wide?: boolean;
  /** Instead of "Cancel", when the action itself is a cancelling ("Keep it" / "Cancel appointment"). */
  cancelLabel?: string;
}) {
  const { t } = useTranslation('manager');
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const unmounting = useRef(false);
  const titleId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    unmounting.current = false;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    const body = d.querySelector<HTMLElement>('.ops-dialog-body');
    const first = d.querySelector<HTMLElement>('[data-autofocus]') ?? body?.querySelector<HTMLElement>(FOCUSABLE) ?? d.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => {
      unmounting.current = true;
      if (d.open) d.close();
      // Back to the opener when it is still on the page (a row that left the queue is gone).
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`ops-dialog is-${tone} ${wide ? 'is-wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        // Escape: the parent decides (it unmounts the dialog).
        e.preventDefault();
        onCloseRef.current();
      }}
      onClose={() => {
        // Closed by the browser (not by unmounting): tell the parent.
        if (!unmounting.current) onCloseRef.current();
      }}
    >
      <header className="ops-dialog-head">
        <div>
          <h2 id={titleId}>{title}</h2>
          {subtitle && <div className="ops-dialog-sub">{subtitle}</div>}
        </div>
        <button type="button" className="ops-x" onClick={() => onCloseRef.current()} aria-label={t('ops.close')} data-testid={`${testId}-x`}>
          ✕
        </button>
      </header>
      <div className="ops-dialog-body">{children}</div>
      <footer className="ops-dialog-foot">
        <button type="button" className="ops-btn" onClick={() => onCloseRef.current()} data-testid={`${testId.replace(/-dialog$/, '')}-cancel`} data-autofocus={focusCancel || undefined}>
          {cancelLabel ?? t('ops.cancel')}
        </button>
        <button type="button" className={`ops-btn is-${action.tone ?? 'primary'}`} onClick={action.onClick} disabled={action.disabled} data-testid={action.testId}>
          {action.busy ? t('ops.sending') : action.label}
        </button>
      </footer>
    </dialog>
  );
}

/**
 * Sends a dialog's request once at a time: `busy` while it runs; on failure the error is kept for
 * the dialog to show and it can be sent again (on success the parent closes the dialog).
 */
export function useSubmit<A extends unknown[]>(onSubmit: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (...args: A) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(...args);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

/** A failed request in plain words, announced. */
export function ErrorLine({ error, testId }: { error: unknown; testId: string }) {
  const { t } = useTranslation(['manager', 'common']);
  if (error === null) return null;
  return (
    <p className="ops-error" role="alert" data-testid={testId}>
      {renderMsg(t, opsErrorMsg(error), currentLanguage())}
    </p>
  );
}
