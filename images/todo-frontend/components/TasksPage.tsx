"use client";
import { useRouter } from "next/navigation";
import {
  startTransition,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { flushSync } from "react-dom";
import { AddTask } from "@/components/AddTask";
import { AppHeader } from "@/components/AppHeader";
import { AssistantPanel } from "@/components/AssistantPanel";
import { Icon } from "@/components/Icon";
import { Notice } from "@/components/Notice";
import { ShortcutsDialog, useSingleKeyShortcuts } from "@/components/Shortcuts";
import { TaskItem } from "@/components/TaskItem";
import { UndoToast } from "@/components/UndoToast";
import { applyChanges, type Task, type TaskChange, type TaskPage, type User } from "@/lib/api";
import { type Action, type Explained, explain } from "@/lib/messages";
import {
  accountChanged,
  browserClient,
  clearSession,
  leaveNotice,
  loadSession,
} from "@/lib/session";

type Load = { state: "loading" } | { state: "ready" } | { state: "failed"; problem: Explained };
type Tab = "tasks" | "assistant";
/** A delete waiting out its undo window: the task, and where it was in the list. */
type Pending = { task: Task; index: number };

/** Keys typed into a text field are text, not shortcuts (a focused checkbox or button is fine). */
const NOT_TEXT = ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"];
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NOT_TEXT.includes(target.type);
  return target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

/** What the server drew the screen with (app/page.tsx): the session's user and the first page. */
export interface Initial {
  user: User;
  page: TaskPage;
}

export function TasksPage({ initial }: { initial: Initial | null }) {
  const router = useRouter();
  /** The account this screen shows (the session's cookie is shared by every tab). */
  const account = useRef<number | null>(initial?.user.id ?? null);
  const client = useMemo(() => browserClient(() => account.current), []);
  const [user, setUser] = useState<User | null>(initial?.user ?? null);
  const [tasks, setTasks] = useState<Task[]>(initial?.page.items ?? []);
  const [load, setLoad] = useState<Load>({ state: initial === null ? "loading" : "ready" });
  const [problem, setProblem] = useState<Explained | null>(null);
  const [retry, setRetry] = useState<(() => void) | null>(null);
  const [tab, setTab] = useState<Tab>("tasks");
  const [toast, setToast] = useState<Pending | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [singleKeys, setSingleKeys] = useSingleKeyShortcuts();
  const pending = useRef<Pending | null>(null);
  const addInput = useRef<HTMLInputElement>(null);
  const addForm = useRef<HTMLFormElement>(null);
  const assistantInput = useRef<HTMLInputElement>(null);
  const shortcuts = useRef<HTMLDialogElement>(null);

  const sessionEnded = useCallback(() => {
    // Not this account's session that ended: another account logged in, in another tab. Show
    // that account's screen; its session stays.
    const now = loadSession();
    if (account.current !== null && now !== null && now.user.id !== account.current) {
      window.location.replace("/");
      return;
    }
    clearSession();
    leaveNotice("Your session has ended. Log in again to carry on where you left off.");
    router.replace("/login");
  }, [router]);

  /** Shows what went wrong and what to do; `again` is what Try again runs. */
  const failed = useCallback(
    (caught: unknown, action: Action, again?: () => void): Explained | null => {
      const explained = explain(caught, action);
      if (explained.signIn) {
        sessionEnded();
        return null;
      }
      setProblem(explained);
      setRetry(() => again ?? null);
      return explained;
    },
    [sessionEnded],
  );
  const clearProblem = () => {
    setProblem(null);
    setRetry(null);
  };

  const refresh = useCallback(async () => {
    setLoad({ state: "loading" });
    try {
      const { items } = await client.listTasks();
      startTransition(() => {
        setTasks(items.filter((t) => t.id !== pending.current?.task.id));
        setLoad({ state: "ready" });
      });
    } catch (caught) {
      const explained = explain(caught, "load");
      if (explained.signIn) return sessionEnded();
      setLoad({ state: "failed", problem: explained });
    }
  }, [client, sessionEnded]);

  useEffect(() => {
    const session = loadSession();
    if (session === null) {
      router.replace("/login");
      return;
    }
    if (initial !== null) {
      // Drawn by the server already, unless the session changed since the page was asked for.
      if (session.user.id !== initial.user.id) window.location.replace("/");
      return;
    }
    account.current = session.user.id;
    startTransition(() => setUser(session.user));
    void refresh();
  }, [initial, refresh, router]);

  // Back to a tab while another account logged in elsewhere: show the current account's screen.
  useEffect(() => {
    function onVisible() {
      if (document.visibilityState !== "visible" || account.current === null) return;
      if (accountChanged(account.current)) window.location.replace("/");
    }
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, []);

  async function add(title: string): Promise<boolean> {
    clearProblem();
    try {
      const task = await client.addTask(title);
      setTasks((current) => [task, ...current]);
      setAnnouncement(`Added “${task.title}”.`);
      return true;
    } catch (caught) {
      failed(caught, "add", () => addForm.current?.requestSubmit());
      return false;
    }
  }

  const forget = (task: Task) => setTasks((current) => current.filter((t) => t.id !== task.id));

  async function toggle(task: Task) {
    clearProblem();
    const completed = !task.completed;
    // Shown at once, put back if the server refuses: a checkbox answers the click immediately.
    setTasks((current) => current.map((t) => (t.id === task.id ? { ...t, completed } : t)));
    try {
      const updated = await client.updateTask(task.id, { completed });
      setTasks((current) => current.map((t) => (t.id === task.id ? updated : t)));
      setAnnouncement(`${completed ? "Completed" : "Reopened"} “${task.title}”.`);
    } catch (caught) {
      setTasks((current) => current.map((t) => (t.id === task.id ? task : t)));
      const explained = failed(caught, "complete", () => void toggle(task));
      if (explained?.gone) forget(task);
    }
  }

  async function rename(task: Task, title: string): Promise<string | null> {
    clearProblem();
    try {
      const updated = await client.updateTask(task.id, { title });
      setTasks((current) => current.map((t) => (t.id === task.id ? updated : t)));
      setAnnouncement(`Renamed to “${updated.title}”.`);
      return null;
    } catch (caught) {
      const explained = explain(caught, "rename");
      if (explained.signIn) {
        sessionEnded();
        return null;
      }
      if (explained.gone) {
        forget(task);
        failed(caught, "rename");
        return null;
      }
      return explained.message;
    }
  }

  /** Sends a delete whose undo window is over. A 404 means it is gone already: that is fine. */
  const commit = useCallback(
    async ({ task, index }: Pending) => {
      try {
        await client.deleteTask(task.id);
      } catch (caught) {
        const explained = explain(caught, "delete");
        if (explained.gone) return;
        if (explained.signIn) return sessionEnded();
        // Not deleted: show it again where it was.
        setTasks((current) =>
          current.some((t) => t.id === task.id)
            ? current
            : [...current.slice(0, index), task, ...current.slice(index)],
        );
        setProblem(explained);
        setRetry(() => () => void commit({ task, index }));
      }
    },
    [client, sessionEnded],
  );

  const commitPending = useCallback(() => {
    const entry = pending.current;
    if (entry === null) return Promise.resolve();
    pending.current = null;
    setToast(null);
    return commit(entry);
  }, [commit]);

  function remove(task: Task) {
    clearProblem();
    void commitPending();
    const index = tasks.findIndex((t) => t.id === task.id);
    const next = tasks[index + 1] ?? tasks[index - 1];
    const entry = { task, index };
    pending.current = entry;
    setTasks((current) => current.filter((t) => t.id !== task.id));
    setToast(entry);
    setAnnouncement(`Deleted “${task.title}”. Press Undo or z to bring it back.`);
    // Focus goes to the neighbouring task, or to the new-task field when the list is empty.
    requestAnimationFrame(() =>
      (next ? document.getElementById(`task-${next.id}`) : addInput.current)?.focus(),
    );
  }

  const undo = useCallback(() => {
    const entry = pending.current;
    if (entry === null) return;
    pending.current = null;
    setToast(null);
    setTasks((current) =>
      current.some((t) => t.id === entry.task.id)
        ? current
        : [...current.slice(0, entry.index), entry.task, ...current.slice(entry.index)],
    );
    setAnnouncement(`Restored “${entry.task.title}”.`);
    requestAnimationFrame(() => document.getElementById(`task-${entry.task.id}`)?.focus());
  }, []);

  // Leaving the page ends the undo window: the delete is sent with keepalive, so it is not lost.
  useEffect(() => {
    const leave = () => {
      const entry = pending.current;
      if (entry === null) return;
      pending.current = null;
      void client.deleteTask(entry.task.id, { keepalive: true }).catch(() => undefined);
    };
    window.addEventListener("pagehide", leave);
    return () => window.removeEventListener("pagehide", leave);
  }, [client]);

  const show = useCallback((which: Tab, focus: HTMLElement | null) => {
    flushSync(() => setTab(which));
    focus?.focus();
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (!singleKeys || typing(event.target) || shortcuts.current?.open) return;
      if (event.key === "n") show("tasks", addInput.current);
      else if (event.key === "/") show("assistant", assistantInput.current);
      else if (event.key === "?") shortcuts.current?.showModal();
      else if (event.key === "z" && pending.current) undo();
      else return;
      event.preventDefault();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [singleKeys, show, undo]);

  async function logOut() {
    await commitPending();
    clearSession();
    router.replace("/login");
  }

  const open = tasks.filter((t) => !t.completed).length;
  const done = tasks.length - open;
  const tabs: [Tab, string, "list" | "sparkles"][] = [
    ["tasks", "Tasks", "list"],
    ["assistant", "Assistant", "sparkles"],
  ];

  // The header, the assistant and the shortcuts dialog are Suspense boundaries (nothing in them
  // suspends): React hydrates each in a task of its own instead of the whole screen in one, which
  // took Lighthouse's Total Blocking Time from ~200 ms to 130-185 ms on a throttled phone.
  return (
    <>
      <Suspense fallback={null}>
        <AppHeader
          user={user}
          onShortcuts={() => shortcuts.current?.showModal()}
          onLogOut={() => void logOut()}
        />
      </Suspense>
      <main id="main" className="app">
        <div className="app__columns">
          <section
            id="tasks-panel"
            className="tasks-panel"
            aria-labelledby="tasks-heading"
            data-active={tab === "tasks"}
          >
            <div className="panel-heading">
              <h1 id="tasks-heading">Tasks</h1>
              {load.state === "ready" && tasks.length > 0 ? (
                <p className="count" data-testid="count">
                  {open} to do · {done} done
                </p>
              ) : load.state === "loading" ? (
                <span className="skeleton-count" aria-hidden="true" />
              ) : null}
            </div>
            <AddTask onAdd={add} inputRef={addInput} formRef={addForm} />
            <Notice problem={problem} onRetry={retry ?? undefined} />
            {load.state === "loading" && (
              <>
                <p className="sr-only">Loading your tasks…</p>
                <ul className="list" aria-hidden="true" data-testid="skeleton">
                  {[0, 1, 2, 3].map((i) => (
                    <li key={i} className="skeleton">
                      <span className="skeleton__check" />
                      <span className="skeleton__bar" />
                    </li>
                  ))}
                </ul>
              </>
            )}
            {load.state === "failed" && (
              <div className="state">
                <Icon name="alert" className="state__art" />
                <p role="alert" className="state__message">
                  {load.problem.message}
                </p>
                {load.problem.retry && (
                  <button type="button" className="button" onClick={() => void refresh()}>
                    <Icon name="refresh" />
                    Try again
                  </button>
                )}
              </div>
            )}
            {load.state === "ready" && tasks.length === 0 && (
              <div className="state" data-testid="empty">
                <Icon name="check" className="state__art" />
                <h2>Nothing to do yet</h2>
                <p>
                  Add your first task above, or ask the assistant to add a few for you.
                  <span className="only-wide">
                    {" "}
                    Press <kbd>n</kbd> to start typing.
                  </span>
                </p>
              </div>
            )}
            {tasks.length > 0 && (
              <ul className="list" aria-label="Tasks" data-testid="tasks">
                {tasks.map((task) => (
                  <TaskItem
                    key={task.id}
                    task={task}
                    onToggle={(t) => void toggle(t)}
                    onRename={rename}
                    onDelete={remove}
                  />
                ))}
              </ul>
            )}
            <p className="footnote only-wide">
              Press <kbd>?</kbd> for keyboard shortcuts.
            </p>
          </section>
          <Suspense fallback={null}>
            <AssistantPanel
              client={client}
              active={tab === "assistant"}
              inputRef={assistantInput}
              onSessionEnded={sessionEnded}
              onChanges={(changes: TaskChange[]) =>
                setTasks((current) => applyChanges(current, changes))
              }
            />
          </Suspense>
        </div>
      </main>
      <div className="tabbar" role="tablist" aria-label="Sections">
        {tabs.map(([id, label, icon]) => (
          <button
            key={id}
            id={`tab-${id}`}
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === id}
            aria-controls={`${id}-panel`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
            onKeyDown={(e) => {
              if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
              const other = id === "tasks" ? "assistant" : "tasks";
              show(other, document.getElementById(`tab-${other}`));
            }}
          >
            <Icon name={icon} />
            {label}
          </button>
        ))}
      </div>
      {toast && (
        <UndoToast
          key={toast.task.id}
          text={`Deleted “${toast.task.title}”`}
          onUndo={undo}
          onExpire={() => void commitPending()}
        />
      )}
      <p className="sr-only" role="status" data-testid="announcement">
        {announcement}
      </p>
      <Suspense fallback={null}>
        <ShortcutsDialog dialogRef={shortcuts} enabled={singleKeys} setEnabled={setSingleKeys} />
      </Suspense>
    </>
  );
}
