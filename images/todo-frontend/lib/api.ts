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

/** A failed call, with a message a person can read. `status` 0 means the network failed. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

const FRIENDLY: Record<number, string> = {
  401: "Your session has ended. Please log in again.",
  404: "That task no longer exists.",
  502: "The assistant's service is not answering right now.",
  503: "This service is unavailable right now.",
};

async function messageOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === "string" && body.detail !== "") return body.detail;
  } catch {
    // not JSON: fall through to a generic message
  }
  return FRIENDLY[response.status] ?? `The server answered ${response.status}.`;
}

export class ApiClient {
  private readonly base: string;
  private readonly token: () => string | null;

  /** `base` is "" in the browser (relative URLs); tests pass a server's origin. */
  constructor(options: { base?: string; token?: () => string | null } = {}) {
    this.base = options.base ?? "";
    this.token = options.token ?? (() => null);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
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
      });
    } catch {
      throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
    }
    if (!response.ok) throw new ApiError(response.status, await messageOf(response));
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
  deleteTask(id: number): Promise<void> {
    return this.call("DELETE", `/tasks/${id}`);
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
