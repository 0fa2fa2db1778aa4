import type { ReactNode } from "react";
import type { FailureLike } from "./form.tsx";
import { useT } from "../utils/i18n.tsx";

/** A challenge's status as a coloured badge. */
export function StatusBadge({
  status,
  kind = "challenge",
}: {
  status: string;
  kind?: "challenge" | "bid" | "milestone";
}) {
  const t = useT();
  return <span className={`badge status-${status}`}>{t(`${kind}.status.${status}`)}</span>;
}

/**
 * A labelled control whose error is tied to it, for pages that repeat a form (ids must stay
 * unique): `id` names the control, `name` the form field and the key of its error.
 */
export function Control(props: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  failure?: FailureLike | undefined;
  type?: string;
  defaultValue?: string;
  as?: "input" | "textarea" | "select";
  options?: { value: string; label: string }[];
  required?: boolean;
  children?: ReactNode;
}) {
  const t = useT();
  const errorKey = props.failure?.fieldErrors?.[props.name];
  const echoed = props.failure?.values?.[props.name];
  const value = typeof echoed === "string" ? echoed : props.defaultValue;
  const describedBy =
    [props.hint ? `${props.id}-hint` : null, errorKey ? `${props.id}-error` : null].filter(Boolean).join(" ") ||
    undefined;
  const common = {
    id: props.id,
    name: props.name,
    defaultValue: value,
    required: props.required,
    "aria-invalid": errorKey ? true : undefined,
    "aria-describedby": describedBy,
  } as const;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.as === "textarea" ? (
        <textarea {...common} rows={5} />
      ) : props.as === "select" ? (
        <select {...common}>
          {(props.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input {...common} type={props.type ?? "text"} />
      )}
      {props.hint ? (
        <span id={`${props.id}-hint`} className="hint">
          {props.hint}
        </span>
      ) : null}
      {errorKey ? (
        <span id={`${props.id}-error`} className="error">
          {t(errorKey, props.failure?.fieldParams)}
        </span>
      ) : null}
    </div>
  );
}

/** The failure of the form with this intent (and, for repeated forms, this target), else undefined. */
export function failureOf(failure: FailureLike | undefined, intent: string, target?: string): FailureLike | undefined {
  if (!failure?.values || failure.values.intent !== intent) return undefined;
  if (target !== undefined && failure.values.target !== target) return undefined;
  return failure;
}
