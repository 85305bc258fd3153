"use client";
import { type RefObject, useEffect, useState } from "react";
import { IconButton } from "./Icon";

const KEY = "todo.single-key-shortcuts";

/** Whether single-key shortcuts are on (the default); people who type by voice can turn them off. */
export function useSingleKeyShortcuts(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(true);
  useEffect(() => setOn(window.localStorage.getItem(KEY) !== "off"), []);
  return [
    on,
    (value: boolean) => {
      window.localStorage.setItem(KEY, value ? "on" : "off");
      setOn(value);
    },
  ];
}

/** The keys the task screen answers to, shown in a dialog (? or the keyboard button opens it). */
export const SHORTCUTS: [string, string][] = [
  ["n", "New task"],
  ["/", "Ask the assistant"],
  ["z", "Undo a delete"],
  ["?", "Show these shortcuts"],
  ["Esc", "Cancel an edit, close a dialog"],
  ["Enter", "Save a task or send a message"],
];

export function ShortcutsDialog({
  dialogRef,
  enabled,
  setEnabled,
}: {
  dialogRef: RefObject<HTMLDialogElement | null>;
  enabled: boolean;
  setEnabled: (on: boolean) => void;
}) {
  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="shortcuts-heading"
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === e.currentTarget) e.currentTarget.close();
      }}
    >
      <div className="dialog__head">
        <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
        <form method="dialog">
          <IconButton type="submit" icon="x" label="Close" title="Close (Esc)" />
        </form>
      </div>
      <div className="dialog__body">
        <dl className="keys">
          {SHORTCUTS.map(([key, what]) => (
            <div key={key} className="keys__row">
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <label className="toggle">
          <input
            type="checkbox"
            name="single-key-shortcuts"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          Single-key shortcuts (n, /, z, ?)
        </label>
        <p className="hint">
          Turn them off if you use speech input or they get in your way. Esc and Enter always work.
        </p>
      </div>
    </dialog>
  );
}
