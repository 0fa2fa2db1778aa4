import type { ReactNode } from "react";
import { useT } from "../utils/i18n.tsx";

export interface FailureLike {
  formError?: { key: string; params?: Record<string, string | number> };
  fieldErrors?: Record<string, string>;
  fieldParams?: Record<string, string | number>;
  values?: Record<string, unknown>;
}

export function FormAlert({ failure }: { failure: FailureLike | undefined }) {
  const t = useT();
  if (!failure?.formError) return null;
  return (
    <div className="alert error" role="alert">
      {t(failure.formError.key, failure.formError.params)}
    </div>
  );
}

/** A labelled input whose error is tied to it (aria-invalid, aria-describedby). */
export function Field(props: {
  name: string;
  label: string;
  type?: string;
  hint?: string;
  failure?: FailureLike | undefined;
  defaultValue?: string;
  autoComplete?: string;
  required?: boolean;
  children?: ReactNode;
}) {
  const t = useT();
  const id = `field-${props.name}`;
  const errorKey = props.failure?.fieldErrors?.[props.name];
  const value = props.failure?.values?.[props.name];
  const describedBy = [props.hint ? `${id}-hint` : null, errorKey ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children ?? (
        <input
          id={id}
          name={props.name}
          type={props.type ?? "text"}
          defaultValue={typeof value === "string" ? value : props.defaultValue}
          autoComplete={props.autoComplete}
          required={props.required}
          aria-invalid={errorKey ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
      )}
      {props.hint ? (
        <span id={`${id}-hint`} className="hint">
          {props.hint}
        </span>
      ) : null}
      {errorKey ? (
        <span id={`${id}-error`} className="error">
          {t(errorKey, props.failure?.fieldParams)}
        </span>
      ) : null}
    </div>
  );
}
