/** Form building blocks: labelled fields with hints and errors, buttons that show they are busy. */
import type { ButtonHTMLAttributes, ComponentChildren, InputHTMLAttributes } from 'preact';
import { useId, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ErrorNote } from './feedback.js';
import { kitStrings as S } from '../strings.js';

interface FieldProps {
  label: string;
  hint?: ComponentChildren;
  error?: string | null;
}

function Field({ label, hint, error, id, children, check }: FieldProps & { id: string; children: ComponentChildren; check?: boolean }) {
  return (
    <div class={check ? 'field field-check' : 'field'}>
      {check && children}
      <label for={id}>
        {label}
        {check && hint && <span class="hint" id={`${id}-hint`}> — {hint}</span>}
      </label>
      {!check && hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      {!check && children}
      {error && <span class="field-error" id={`${id}-err`}>{error}</span>}
    </div>
  );
}

type InputAttrs = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'label'>;

export function TextField({ label, hint, error, value, onValue, ...rest }: FieldProps & InputAttrs & { value: string; onValue: (v: string) => void }) {
  const id = useId();
  return (
    <Field label={label} hint={hint} error={error} id={id}>
      <input
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-err` : ''].join(' ').trim() || undefined}
        {...rest}
      />
    </Field>
  );
}

export function NumberField({ label, hint, error, value, onValue, ...rest }: FieldProps & InputAttrs & { value: number; onValue: (v: number) => void }) {
  const id = useId();
  return (
    <Field label={label} hint={hint} error={error} id={id}>
      <input
        id={id}
        type="number"
        value={String(value)}
        onInput={(e) => {
          const n = e.currentTarget.valueAsNumber;
          if (Number.isFinite(n)) onValue(n);
        }}
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...rest}
      />
    </Field>
  );
}

export function SelectField<V extends string>({
  label,
  hint,
  error,
  value,
  onValue,
  options,
  disabled,
}: FieldProps & { value: V; onValue: (v: V) => void; options: ReadonlyArray<{ value: V; label: string }>; disabled?: boolean }) {
  const id = useId();
  return (
    <Field label={label} hint={hint} error={error} id={id}>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onValue(e.currentTarget.value as V)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckField({ label, hint, checked, onValue, disabled }: FieldProps & { checked: boolean; onValue: (v: boolean) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <Field label={label} hint={hint} id={id} check>
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onValue(e.currentTarget.checked)} />
    </Field>
  );
}

export function Button({
  busy,
  kind,
  children,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { busy?: boolean; kind?: 'primary' | 'danger' | 'link' }) {
  return (
    <button type="button" class={kind} disabled={busy || (rest.disabled as boolean)} aria-busy={busy ? 'true' : undefined} {...rest}>
      {children}
    </button>
  );
}

/** A form that never reloads the page; the action's error is shown under it. */
export function Form({
  onSubmit,
  error,
  children,
  label,
}: {
  onSubmit: () => void;
  error?: ApiError | null;
  children: ComponentChildren;
  label?: string;
}) {
  return (
    <form
      aria-label={label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <ErrorNote error={error ?? null} />
    </form>
  );
}

/** A destructive action asks once more in place (no modal): first click arms it, the second confirms. */
export function ConfirmButton({ label, confirm, onConfirm, busy }: { label: string; confirm?: string; onConfirm: () => void; busy?: boolean }) {
  const [armed, setArmed] = useState(false);
  if (!armed) return <Button kind="danger" busy={busy} onClick={() => setArmed(true)}>{label}</Button>;
  return (
    <span class="row" role="group" aria-label={confirm ?? S.confirm(label.toLowerCase())}>
      <span>{confirm ?? S.confirm(label.toLowerCase())}</span>
      <Button kind="danger" busy={busy} onClick={() => { setArmed(false); onConfirm(); }}>{S.yes}</Button>
      <Button onClick={() => setArmed(false)}>{S.cancel}</Button>
    </span>
  );
}
