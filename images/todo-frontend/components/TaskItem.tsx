"use client";
import { type FormEvent, useState } from "react";
import type { Task } from "@/lib/api";

/** One task: a checkbox to complete it, inline editing (Escape cancels), and delete. */
export function TaskItem({
  task,
  onToggle,
  onRename,
  onDelete,
}: {
  task: Task;
  onToggle: (task: Task) => void;
  onRename: (task: Task, title: string) => Promise<boolean>;
  onDelete: (task: Task) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);
  const checkboxId = `task-${task.id}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (await onRename(task, title)) setEditing(false);
  }

  return (
    <li className={task.completed ? "done" : undefined} data-testid="task">
      {editing ? (
        <form
          className="row"
          onSubmit={save}
          onKeyDown={(e) => e.key === "Escape" && (setTitle(task.title), setEditing(false))}
        >
          <label htmlFor={`edit-${task.id}`} className="grow">
            <span className="muted">Edit “{task.title}”</span>
            <input
              id={`edit-${task.id}`}
              type="text"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              maxLength={200}
              required
              autoFocus
            />
          </label>
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => (setTitle(task.title), setEditing(false))}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="row">
          <input
            id={checkboxId}
            className="checkbox"
            type="checkbox"
            checked={task.completed}
            onChange={() => onToggle(task)}
          />
          <label htmlFor={checkboxId} className="grow title" style={{ fontWeight: 400, margin: 0 }}>
            {task.title}
            {task.description && <span className="muted"> — {task.description}</span>}
          </label>
          <button
            type="button"
            onClick={() => (setTitle(task.title), setEditing(true))}
            aria-label={`Edit ${task.title}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => onDelete(task)}
            aria-label={`Delete ${task.title}`}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
