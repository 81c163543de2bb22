import type { ReactNode } from 'react';

/** A labelled form control: the label names the control given as children, which carries the same `id`. */
export function Field({ id, label, className, children }: { id: string; label: string; className?: string; children: ReactNode }) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

export interface ChoiceOption {
  value: string;
  label: string;
}

/** A filter's choice under a label: « all » (the empty value) first, then `options`. */
export function ChoiceField({
  id,
  label,
  all,
  options,
  value,
  onChange,
}: {
  id: string;
  label: string;
  all: string;
  options: readonly ChoiceOption[];
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} onChange={onChange}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
