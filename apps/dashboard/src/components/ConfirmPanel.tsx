import { useEffect, useId, useRef } from 'react';

/**
 * An inline confirmation (role alertdialog): focus lands on Cancel, Escape cancels.
 * Inline rather than modal so it works the same with keyboard, screen readers and small screens.
 */
export function ConfirmPanel(props: {
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  danger?: boolean;
}) {
  const titleId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      className={`confirm ${props.danger ? 'confirm-danger' : ''}`}
      role="alertdialog"
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
      }}
    >
      <p id={titleId} className="confirm-title">
        <strong>{props.title}</strong>
      </p>
      <div className="confirm-body">{props.children}</div>
      <div className="actions">
        <button type="button" className={props.danger ? 'danger' : ''} onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
        <button type="button" className="secondary" ref={cancel} onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
