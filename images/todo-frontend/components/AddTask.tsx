"use client";
import { type FormEvent, type RefObject, useState } from "react";
import { check, describedBy, TITLE_MAX } from "@/lib/limits";
import { Icon } from "./Icon";
import { TitleCounter } from "./TitleCounter";

/**
 * The new-task field. Nothing is cut: a paste longer than the limit stays as it is, the counter
 * says how much is too much, and Add refuses until it fits. An empty title is refused here too,
 * with a sentence instead of a request. Text stays in the field until the server has it.
 */
export function AddTask({
  onAdd,
  inputRef,
  formRef,
}: {
  /** Resolves true once the task is saved. */
  onAdd: (title: string) => Promise<boolean>;
  inputRef: RefObject<HTMLInputElement | null>;
  formRef: RefObject<HTMLFormElement | null>;
}) {
  const [title, setTitle] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const checked = check(title, TITLE_MAX);
    if (!checked.ok) {
      setProblem(
        checked.problem === "empty"
          ? "Type what needs doing first."
          : `Titles can be up to ${TITLE_MAX} characters. Remove ${checked.over.toLocaleString("en")} to add it.`,
      );
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    const saved = await onAdd(checked.value);
    setBusy(false);
    if (saved) setTitle("");
    inputRef.current?.focus();
  }

  return (
    <form ref={formRef} className="add" onSubmit={submit} noValidate>
      <label htmlFor="new-task" className="sr-only">
        New task
      </label>
      <div className="add__row">
        <input
          ref={inputRef}
          className="input"
          id="new-task"
          name="title"
          type="text"
          value={title}
          onChange={(e) => {
            setTitle(e.target.value);
            setProblem(null);
          }}
          placeholder="Add a task"
          autoComplete="off"
          enterKeyHint="done"
          aria-keyshortcuts="n"
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy(
            problem ? "new-task-error" : null,
            "new-task-counter",
            title,
            TITLE_MAX,
          )}
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          <Icon name="plus" />
          {busy ? "Adding…" : "Add"}
        </button>
      </div>
      <TitleCounter id="new-task-counter" text={title} />
      <p id="new-task-error" className="field-error" role="alert">
        {problem}
      </p>
    </form>
  );
}
