"use client";
import { type FormEvent, type RefObject, useState } from "react";
import { check, refusal, TITLE_MAX } from "@/lib/limits";
import { useReadyForm } from "@/lib/ready-form";
import { CountedInput } from "./CountedInput";
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
  const readyForm = useReadyForm(formRef);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const checked = check(title, TITLE_MAX);
    if (!checked.ok) {
      setProblem(
        refusal(checked, TITLE_MAX, {
          empty: "Type what needs doing first.",
          noun: "Titles",
          to: "add it",
        }),
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
    <form ref={readyForm} className="add" method="post" onSubmit={submit} noValidate>
      <label htmlFor="new-task" className="sr-only">
        New task
      </label>
      <div className="add__row">
        <CountedInput
          ref={inputRef}
          id="new-task"
          name="title"
          value={title}
          onValueChange={(value) => {
            setTitle(value);
            setProblem(null);
          }}
          problem={problem}
          errorId="new-task-error"
          counterId="new-task-counter"
          placeholder="Add a task"
          enterKeyHint="done"
          aria-keyshortcuts="n"
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
