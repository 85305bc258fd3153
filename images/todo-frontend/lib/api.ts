/**
 * The browser's client for the backend. Every call goes to a relative `/api/...` URL: through
 * the Ingress it reaches the backend directly; without one (a port-forward of the frontend) the
 * frontend server forwards it (app/api/[...path]/route.ts). No backend URL is built into the bundle.
 */

export interface User {
  id: number;
  email: string;
  name: string;
}
export interface Task {
  id: number;
  title: string;
  description: string;
  completed: boolean;
  created_at: string;
  updated_at: string;
}
export interface TaskPage {
  items: Task[];
  total: number;
  limit: number;
  offset: number;
}
export interface Session {
  access_token: string;
  user: User;
}
export interface TaskChange {
  action: "added" | "completed" | "updated" | "deleted";
  task: Task;
}
export interface ChatReply {
  reply: string;
  changes: TaskChange[];
}
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

/**
 * A failed call. `status` 0 means the network failed (no answer at all). The rest is what the
 * server said, kept as data: lib/messages.ts turns it into words for people, per action.
 */
export class ApiError extends Error {
  readonly status: number;
  /** The server's `detail`, for logs and tests; not shown to people as it is. */
  readonly detail: string;
  /** 422: one entry per field, as the backend lists them ("title: String should have..."). */
  readonly problems: string[];
  /** Seconds from a Retry-After header (429, 503), when the server sent one. */
  readonly retryAfter: number | null;
  /** 502 and 504 from the assistant: changes its tool calls had already saved. */
  readonly changes: TaskChange[];
  constructor(
    status: number,
    detail: string,
    extra: { problems?: string[]; retryAfter?: number | null; changes?: TaskChange[] } = {},
  ) {
    super(detail || (status === 0 ? "network error" : `HTTP ${status}`));
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.problems = extra.problems ?? [];
    this.retryAfter = extra.retryAfter ?? null;
    this.changes = extra.changes ?? [];
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - now) / 1000));
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: { detail?: unknown; errors?: unknown; changes?: unknown } = {};
  try {
    const parsed: unknown = await response.json();
    if (parsed !== null && typeof parsed === "object") body = parsed;
  } catch {
    // not JSON (a proxy's HTML page, an empty body): the status alone says what happened
  }
  return new ApiError(response.status, typeof body.detail === "string" ? body.detail : "", {
    problems: Array.isArray(body.errors)
      ? body.errors.filter((e): e is string => typeof e === "string")
      : [],
    retryAfter: retryAfterSeconds(response.headers.get("retry-after")),
    changes: Array.isArray(body.changes) ? (body.changes as TaskChange[]) : [],
  });
}

export class ApiClient {
  private readonly base: string;
  private readonly token: () => string | null;
  private readonly timeout: number | undefined;

  /**
   * `base` is "" in the browser (relative URLs); the server and tests pass the backend's origin.
   * `timeout` (ms): a call that takes longer fails as a network failure would.
   */
  constructor(options: { base?: string; token?: () => string | null; timeout?: number } = {}) {
    this.base = options.base ?? "";
    this.token = options.token ?? (() => null);
    this.timeout = options.timeout;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    init: { keepalive?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = this.token();
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        keepalive: init.keepalive,
        signal: this.timeout === undefined ? undefined : AbortSignal.timeout(this.timeout),
      });
    } catch {
      throw new ApiError(0, "");
    }
    if (!response.ok) throw await errorOf(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  signUp(email: string, password: string, name = ""): Promise<Session> {
    return this.call("POST", "/auth/signup", { email, password, name });
  }
  logIn(email: string, password: string): Promise<Session> {
    return this.call("POST", "/auth/login", { email, password });
  }
  listTasks(options: { limit?: number; offset?: number } = {}): Promise<TaskPage> {
    const query = new URLSearchParams({
      limit: String(options.limit ?? 100),
      offset: String(options.offset ?? 0),
    });
    return this.call("GET", `/tasks?${query.toString()}`);
  }
  addTask(title: string, description = ""): Promise<Task> {
    return this.call("POST", "/tasks", { title, description });
  }
  updateTask(
    id: number,
    changes: Partial<Pick<Task, "title" | "description" | "completed">>,
  ): Promise<Task> {
    return this.call("PATCH", `/tasks/${id}`, changes);
  }
  /** `keepalive`: the request outlives the page (a delete still waiting for its undo window). */
  deleteTask(id: number, options: { keepalive?: boolean } = {}): Promise<void> {
    return this.call("DELETE", `/tasks/${id}`, undefined, options);
  }
  chat(message: string, history: ChatTurn[] = []): Promise<ChatReply> {
    return this.call("POST", "/chat", { message, history });
  }
}

/** Applies the assistant's changes to a list as shown, newest first. */
export function applyChanges(tasks: Task[], changes: TaskChange[]): Task[] {
  let next = [...tasks];
  for (const { action, task } of changes) {
    if (action === "deleted") next = next.filter((t) => t.id !== task.id);
    else if (action === "added") next = [task, ...next.filter((t) => t.id !== task.id)];
    else next = next.map((t) => (t.id === task.id ? task : t));
  }
  return next;
}
