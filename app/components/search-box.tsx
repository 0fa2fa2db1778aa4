import { useNavigate } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { useT } from "../utils/i18n.tsx";

interface Suggestion {
  kind: string;
  id: string;
  html: string;
  href: string;
}

/**
 * The header's search box: a GET form to /search (works without JavaScript); with JavaScript it
 * also lists suggestions as you type (/search/suggest), as an ARIA combobox: ↑/↓ move, Enter
 * opens the chosen one, Escape closes. The suggestion HTML was made safe on the server
 * (app/utils/highlight.ts: only <mark> survives).
 */
export function SearchBox({ defaultValue = "" }: { defaultValue?: string }) {
  const t = useT();
  const navigate = useNavigate();
  const listId = useId();
  const [q, setQ] = useState(defaultValue);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useRef(false);

  useEffect(() => {
    if (!typed.current) return;
    const text = q.trim();
    if (!text) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/search/suggest?q=${encodeURIComponent(text)}`, { signal: controller.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ suggestions: Suggestion[] }>) : { suggestions: [] }))
        .then((body) => {
          setItems(body.suggestions);
          setActive(-1);
          setOpen(true);
        })
        .catch(() => undefined);
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const shown = open && items.length > 0;
  const optionId = (i: number) => `${listId}-option-${i}`;
  return (
    <form
      method="get"
      action="/search"
      role="search"
      className="header-search"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <label htmlFor={`${listId}-q`} className="visually-hidden">
        {t("search.label")}
      </label>
      <input
        id={`${listId}-q`}
        name="q"
        type="search"
        value={q}
        placeholder={t("search.placeholderShort")}
        autoComplete="off"
        maxLength={200}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={`${listId}-list`}
        aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
        data-testid="header-search"
        onChange={(e) => {
          typed.current = true;
          setQ(e.target.value);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (!shown) return;
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => (a + 1) % items.length);
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
          } else if (e.key === "Enter" && active >= 0) {
            e.preventDefault();
            setOpen(false);
            navigate(items[active]!.href);
          } else if (e.key === "Escape") {
            // A search input clears itself on Escape; here Escape only closes the list.
            e.preventDefault();
            setOpen(false);
          }
        }}
      />
      <button type="submit" className="button small">
        {t("search.submit")}
      </button>
      <ul
        id={`${listId}-list`}
        role="listbox"
        className="suggestions"
        hidden={!shown}
        aria-label={t("search.suggestions")}
      >
        {items.map((item, i) => (
          <li
            key={`${item.kind}-${item.id}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : undefined}
            onMouseDown={(e) => {
              e.preventDefault();
              setOpen(false);
              navigate(item.href);
            }}
          >
            <span className="suggestion-kind">{t(`search.kind.${item.kind}`)}</span>
            <span dangerouslySetInnerHTML={{ __html: item.html }} />
          </li>
        ))}
      </ul>
    </form>
  );
}
