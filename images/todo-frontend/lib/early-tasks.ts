/**
 * The first page of tasks, asked for by the HTML itself. The session lives in sessionStorage, so
 * the server cannot render the list; without this, the request waits for the scripts to load and
 * React to start, and the task screen's largest paint (the first title) waits for both in turn.
 * `EARLY_TASKS_SCRIPT` is an inline script on the task screen that sends the same request the
 * client would, as soon as the page is parsed; the client takes its answer once
 * (`takeEarlyTasks`) and reads it as any other (`ApiClient.listTasks`).
 *
 * Shared by the server (the script) and the browser, so no "use client" here: the session's key
 * and the request's path are defined once, below, for both.
 */

/** Where the browser keeps the session (lib/session.ts). */
export const SESSION_KEY = "todo.session";

/** `/tasks?limit=..&offset=..`: the list request, the client's and the early one alike. */
export function tasksPath(options: { limit?: number; offset?: number } = {}): string {
  const query = new URLSearchParams({
    limit: String(options.limit ?? 100),
    offset: String(options.offset ?? 0),
  });
  return `/tasks?${query.toString()}`;
}

/** What the script leaves on `window`: the request, and the token it was sent with. */
interface EarlyTasks {
  token: string;
  response: Promise<Response>;
}
declare global {
  interface Window {
    __todoEarlyTasks?: EarlyTasks;
  }
}

/**
 * Plain ES5 on purpose (it runs before any bundle); any failure leaves nothing behind, and the
 * client then asks as it always has. Static text: nothing from the request or the user is in it.
 */
export const EARLY_TASKS_SCRIPT = `(function () {
  try {
    var session = JSON.parse(window.sessionStorage.getItem(${JSON.stringify(SESSION_KEY)}) || "null");
    var token = session && session.access_token;
    if (typeof token !== "string") return;
    var response = fetch(${JSON.stringify(`/api${tasksPath()}`)}, {
      headers: { Accept: "application/json", Authorization: "Bearer " + token },
    });
    // Handled here too: an answer nobody takes (the page went to log in) is no uncaught error.
    response.catch(function () {});
    window.__todoEarlyTasks = { token: token, response: response };
  } catch (e) {}
})();`;

/**
 * The early request's answer, once, if it was sent with `token` (a session that changed since
 * is asked again); otherwise null.
 */
export function takeEarlyTasks(token: string | null): Promise<Response> | null {
  if (typeof window === "undefined") return null;
  const early = window.__todoEarlyTasks;
  delete window.__todoEarlyTasks;
  return early !== undefined && token !== null && early.token === token ? early.response : null;
}
