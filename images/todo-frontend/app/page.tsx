"use client";
import { useRouter } from "next/navigation";
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { AssistantPanel } from "@/components/AssistantPanel";
import { TaskItem } from "@/components/TaskItem";
import { ApiError, applyChanges, type Task, type TaskChange } from "@/lib/api";
import { browserClient, clearSession, loadSession } from "@/lib/session";

type Load = { state: "loading" } | { state: "ready" } | { state: "failed"; message: string };

export default function TasksPage() {
  const router = useRouter();
  const client = useMemo(() => browserClient(), []);
  const [user, setUser] = useState<string | null>(null);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [adding, setAdding] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const failed = useCallback(
    (caught: unknown) => {
      if (caught instanceof ApiError && caught.status === 401) {
        clearSession();
        router.replace("/login");
        return;
      }
      setError(caught instanceof ApiError ? caught.message : "Something went wrong.");
    },
    [router],
  );

  const refresh = useCallback(async () => {
    setLoad({ state: "loading" });
    try {
      setTasks((await client.listTasks()).items);
      setLoad({ state: "ready" });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) return failed(caught);
      setLoad({
        state: "failed",
        message: caught instanceof ApiError ? caught.message : "Could not load your tasks.",
      });
    }
  }, [client, failed]);

  useEffect(() => {
    const session = loadSession();
    if (session === null) {
      router.replace("/login");
      return;
    }
    setUser(session.user.name || session.user.email);
    void refresh();
  }, [refresh, router]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setAdding(true);
    setError(null);
    try {
      const task = await client.addTask(title);
      setTasks((current) => [task, ...current]);
      setTitle("");
    } catch (caught) {
      failed(caught);
    } finally {
      setAdding(false);
      input.current?.focus();
    }
  }

  async function change(task: Task, changes: Partial<Task>): Promise<boolean> {
    setError(null);
    // Shown at once, put back if the server refuses: a checkbox answers the click immediately.
    setTasks((current) => current.map((t) => (t.id === task.id ? { ...t, ...changes } : t)));
    try {
      const updated = await client.updateTask(task.id, changes);
      setTasks((current) => current.map((t) => (t.id === task.id ? updated : t)));
      return true;
    } catch (caught) {
      setTasks((current) => current.map((t) => (t.id === task.id ? task : t)));
      failed(caught);
      return false;
    }
  }

  async function remove(task: Task) {
    setError(null);
    try {
      await client.deleteTask(task.id);
      setTasks((current) => current.filter((t) => t.id !== task.id));
    } catch (caught) {
      failed(caught);
    }
  }

  function logOut() {
    clearSession();
    router.replace("/login");
  }

  const open = tasks.filter((t) => !t.completed).length;
  return (
    <>
      <header className="header">
        <h1>Your tasks</h1>
        <div className="row">
          {user && <span className="muted">Signed in as {user}</span>}
          <button type="button" onClick={logOut}>
            Log out
          </button>
        </div>
      </header>
      <div className="layout">
        <section
          className="card stack"
          aria-labelledby="tasks-heading"
          aria-busy={load.state === "loading"}
        >
          <h2 id="tasks-heading">
            Tasks{" "}
            <span className="muted">
              ({open} open of {tasks.length})
            </span>
          </h2>
          <form className="row" onSubmit={add}>
            <label htmlFor="new-task" className="grow">
              <span className="muted">New task</span>
              <input
                id="new-task"
                ref={input}
                type="text"
                value={title}
                onChange={(e) => setTitle(e.target.value)}
                maxLength={200}
                required
                placeholder="What needs doing?"
              />
            </label>
            <button type="submit" className="primary" disabled={adding}>
              {adding ? "Adding…" : "Add"}
            </button>
          </form>
          <p role="alert" className="error">
            {error}
          </p>
          {load.state === "loading" && <p role="status">Loading your tasks…</p>}
          {load.state === "failed" && (
            <div role="alert">
              <p className="error">{load.message}</p>
              <button type="button" onClick={() => void refresh()}>
                Try again
              </button>
            </div>
          )}
          {load.state === "ready" && tasks.length === 0 && (
            <p className="muted">No tasks yet. Add one above, or ask the assistant.</p>
          )}
          <ul className="tasks" aria-label="Tasks">
            {tasks.map((task) => (
              <TaskItem
                key={task.id}
                task={task}
                onToggle={(t) => void change(t, { completed: !t.completed })}
                onRename={(t, newTitle) => change(t, { title: newTitle })}
                onDelete={(t) => void remove(t)}
              />
            ))}
          </ul>
        </section>
        <AssistantPanel
          client={client}
          onChanges={(changes: TaskChange[]) =>
            setTasks((current) => applyChanges(current, changes))
          }
        />
      </div>
    </>
  );
}
