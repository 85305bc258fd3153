"use client";
import { type FormEvent, useState } from "react";
import type { Task } from "@/lib/api";
import { check, refusal, TITLE_MAX } from "@/lib/limits";
import { useReadyForm } from "@/lib/ready-form";
import { CountedInput } from "./CountedInput";
import { Icon, IconButton } from "./Icon";
import { TitleCounter } from "./TitleCounter";

/**
 * One task on one line: a round checkbox, the title (two lines at most), and icon buttons to edit
 * and delete whose names say which task they act on. Editing happens in place; Enter saves,
 * Escape cancels. Completing draws the tick and strikes the title through.
 */
export function TaskItem({
  task,
  onToggle,
  onRename,
  onDelete,
}: {
  task: Task;
  onToggle: (task: Task) => void;
  /** Resolves with a problem to show under the field, or null when saved. */
  onRename: (task: Task, title: string) => Promise<string | null>;
  onDelete: (task: Task) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const readyForm = useReadyForm();
  const id = `task-${task.id}`;

  function cancel() {
    setTitle(task.title);
    setProblem(null);
    setEditing(false);
    // Back to where the person was: the edit button of this task.
    requestAnimationFrame(() => document.getElementById(`${id}-edit`)?.focus());
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const checked = check(title, TITLE_MAX);
    if (!checked.ok) {
      setProblem(
        refusal(checked, TITLE_MAX, {
          empty: "A task needs a title. Type one, or press Escape to keep the old one.",
          noun: "Titles",
          to: "save",
        }),
      );
      return;
    }
    if (checked.value === task.title) {
      cancel();
      return;
    }
    setSaving(true);
    const failed = await onRename(task, checked.value);
    setSaving(false);
    setProblem(failed);
    if (failed === null) cancel();
  }

  if (editing) {
    const errorId = `${id}-edit-error`;
    return (
      <li className="task task--editing" data-testid="task">
        <form
          ref={readyForm}
          className="edit__row"
          method="post"
          onSubmit={save}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              cancel();
            }
          }}
        >
          <label htmlFor={`${id}-title`} className="sr-only">
            Edit “{task.title}”
          </label>
          <CountedInput
            id={`${id}-title`}
            name="title"
            value={title}
            onValueChange={(value) => {
              setTitle(value);
              setProblem(null);
            }}
            problem={problem}
            errorId={errorId}
            counterId={`${id}-counter`}
            enterKeyHint="done"
            autoFocus
          />
          <IconButton
            type="submit"
            icon="check"
            label="Save"
            title="Save (Enter)"
            disabled={saving}
          />
          <IconButton icon="x" label="Cancel" title="Cancel (Escape)" onClick={cancel} />
        </form>
        <TitleCounter id={`${id}-counter`} text={title} />
        <p id={errorId} className="field-error" role="alert">
          {problem}
        </p>
      </li>
    );
  }

  return (
    <li className={task.completed ? "task task--done" : "task"} data-testid="task">
      <span className="check">
        <input
          id={id}
          className="check__input"
          type="checkbox"
          checked={task.completed}
          onChange={() => onToggle(task)}
          aria-labelledby={`${id}-name`}
        />
        <span className="check__box">
          <Icon name="check" />
        </span>
      </span>
      <span
        id={`${id}-name`}
        className="task__title"
        title={task.title}
        onDoubleClick={() => setEditing(true)}
      >
        <span className="task__text">{task.title}</span>
        {task.description && <span className="task__description"> — {task.description}</span>}
      </span>
      <span className="task__actions">
        <IconButton
          id={`${id}-edit`}
          icon="pencil"
          label={`Edit “${task.title}”`}
          title="Edit"
          onClick={() => (setTitle(task.title), setEditing(true))}
        />
        <IconButton
          icon="trash"
          variant="danger"
          label={`Delete “${task.title}”`}
          title="Delete"
          onClick={() => onDelete(task)}
        />
      </span>
    </li>
  );
}
