import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { CsrfInput } from "../csrf-input.tsx";

/**
 * A POST form for one intent of a page with many forms: the CSRF field, the `intent` and, for
 * repeated forms, the `target` they act on (what `failureOf` matches an error against).
 */
export function IntentForm(props: {
  intent: string;
  target?: string;
  className?: string;
  noValidate?: boolean;
  "aria-label"?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className={props.className} noValidate={props.noValidate} aria-label={props["aria-label"]}>
      <CsrfInput />
      <input type="hidden" name="intent" value={props.intent} />
      {props.target !== undefined ? <input type="hidden" name="target" value={props.target} /> : null}
      {props.children}
    </Form>
  );
}
