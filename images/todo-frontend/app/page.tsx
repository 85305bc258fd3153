import { headers } from "next/headers";
import { type Initial, TasksPage } from "@/components/TasksPage";
import { ApiClient, ApiError } from "@/lib/api";
import { sessionFromCookies } from "@/lib/session-cookie";

/** How long the HTML waits for the backend before leaving the list to the browser. */
const FIRST_PAGE_TIMEOUT_MS = 2_000;

/**
 * The task screen. With the session's cookie on the request (lib/session-cookie.ts), the server
 * asks the backend for the first page of tasks and draws it into the HTML: the list is on screen
 * before any script has run. Without it, or when the backend does not answer in time, the page
 * is the same one the browser then fills in itself (loading skeleton, its own request, and its
 * own words for whatever went wrong: a 401 sends the person to log in).
 */
export default async function Page() {
  const initial = await firstPage((await headers()).get("cookie"));
  // Keyed by account: a screen's state never carries over to another account's.
  return <TasksPage key={initial?.user.id ?? "browser"} initial={initial} />;
}

async function firstPage(cookies: string | null): Promise<Initial | null> {
  const session = sessionFromCookies(cookies);
  const backend = process.env.BACKEND_URL;
  if (session === null || !backend) return null;
  const client = new ApiClient({
    base: backend,
    token: () => session.access_token,
    timeout: FIRST_PAGE_TIMEOUT_MS,
  });
  try {
    return { user: session.user, page: await client.listTasks() };
  } catch (error) {
    // An ended session is the browser's to handle (it sends the person to log in); anything else
    // is the server's problem to see: a wrong BACKEND_URL or a blocked path would otherwise only
    // show as a slower screen.
    if (!(error instanceof ApiError && error.status === 401)) {
      const why = error instanceof ApiError ? error.status || "no answer" : String(error);
      console.error(`task screen: the first page was left to the browser (backend: ${why})`);
    }
    return null;
  }
}
