import { DateTime } from "./datetime.tsx";
import type { FailureLike } from "./form.tsx";
import { useT } from "../utils/i18n.tsx";

/** An attachment as loaders send it (dates as ISO strings). */
export interface AttachmentItem {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** The accepted files, for the file picker (the server checks the content, not this list). */
export const ATTACHMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.txt,.md,.csv";

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(size < 10 * 1024 ? 1 : 0)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * The files of a record with download links. With `removable`, each row has a "remove" checkbox
 * named `removeAttachment` for the surrounding form (the edit forms of a draft and of an open bid).
 */
export function AttachmentList({
  items,
  removable = false,
  title,
}: {
  items: AttachmentItem[];
  removable?: boolean;
  title?: string;
}) {
  const t = useT();
  return (
    <section className="attachments" aria-label={title ?? t("attachments.title")}>
      {title ? <h3 className="attachments-title">{title}</h3> : null}
      {items.length === 0 ? (
        <p className="muted small m0">{t("attachments.none")}</p>
      ) : (
        <ul className="attachment-list">
          {items.map((a) => (
            <li key={a.id} className="attachment">
              <span className={`attachment-type type-${a.type}`}>{t(`attachments.type.${a.type}`)}</span>
              <a href={`/attachments/${a.id}`} className="attachment-name" download>
                {a.name}
              </a>
              <span className="muted small">
                {formatBytes(a.size)} · <DateTime value={a.createdAt} />
              </span>
              <code className="attachment-hash small muted" title={t("attachments.sha256")}>
                SHA-256 {a.sha256.slice(0, 12)}…
              </code>
              {removable ? (
                <label className="choice small">
                  <input type="checkbox" name="removeAttachment" value={a.id} /> {t("attachments.remove")}
                </label>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The file picker of a form with attachments (the form must be multipart). */
export function AttachmentInput({
  failure,
  maxMegabytes,
  maxFiles,
}: {
  failure: FailureLike | undefined;
  maxMegabytes: number;
  maxFiles: number;
}) {
  const t = useT();
  const errorKey = failure?.fieldErrors?.attachments;
  return (
    <div className="field">
      <label htmlFor="field-attachments">{t("attachments.add")}</label>
      <input
        id="field-attachments"
        type="file"
        name="attachments"
        multiple
        accept={ATTACHMENT_ACCEPT}
        aria-describedby={`field-attachments-hint${errorKey ? " field-attachments-error" : ""}`}
        aria-invalid={errorKey ? true : undefined}
      />
      <span id="field-attachments-hint" className="hint">
        {t("attachments.hint", { max: maxMegabytes, count: maxFiles })}
      </span>
      {errorKey ? (
        <span id="field-attachments-error" className="error">
          {t(errorKey, failure?.fieldParams)}
        </span>
      ) : null}
    </div>
  );
}
