/**
 * A modal dialog for the manager's tablet: the native <dialog> in the top layer (the page behind
 * is inert), Escape or ✕ closes it, focus goes to the first field (or `data-autofocus`) and back
 * to the button that opened it. Mounted = open; the parent unmounts it to close.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({
  title,
  subtitle,
  onClose,
  children,
  footer,
  testId,
  tone = 'default',
  wide = false,
}: {
  title: string;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer: ReactNode;
  testId: string;
  tone?: 'default' | 'danger' | 'green';
  wide?: boolean;
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
      <footer className="ops-dialog-foot">{footer}</footer>
    </dialog>
  );
}
