"use client";
import { useEffect, useRef, useState } from "react";
import { Icon, IconButton } from "./Icon";

/** How long an undo stays offered, while the pointer or focus is not on it. */
export const UNDO_MS = 6000;

/**
 * "Deleted “…”. Undo" at the bottom of the screen. It waits while hovered or focused (people who
 * need longer get it: WCAG 2.2.1), then calls onExpire. Closing it (✕) expires it at once.
 * The page announces the deletion in its own live region (one that is always there, so that it is
 * read out); this is the visible part.
 */
export function UndoToast({
  text,
  onUndo,
  onExpire,
}: {
  text: string;
  onUndo: () => void;
  onExpire: () => void;
}) {
  const [held, setHeld] = useState(false);
  const expire = useRef(onExpire);
  expire.current = onExpire;
  useEffect(() => {
    if (held) return;
    const timer = window.setTimeout(() => expire.current(), UNDO_MS);
    return () => window.clearTimeout(timer);
  }, [held, text]);
  return (
    <div
      className="toast"
      data-testid="toast"
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <p className="toast__text">{text}</p>
      <button type="button" className="button" onClick={onUndo} aria-keyshortcuts="z">
        <Icon name="undo" />
        Undo
      </button>
      <IconButton icon="x" label="Dismiss" title="Dismiss" onClick={() => expire.current()} />
    </div>
  );
}
