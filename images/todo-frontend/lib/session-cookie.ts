/**
 * The signed-in session as a cookie: what the browser's client and the task screen's server
 * rendering share. The browser writes it at log-in (lib/session.ts) and sends it with the page's
 * request, so the server can draw the first page of tasks into the HTML (app/page.tsx) instead of
 * leaving the list to the scripts; the client reads the same cookie for its bearer token.
 *
 * - `SameSite=Strict`: never sent with a request another site starts. The backend authenticates
 *   by the Authorization header only, never by this cookie, so it opens no CSRF path; the one
 *   reader that trusts it, the task screen's server rendering, only reads (GET /api/tasks).
 * - `Secure` whenever the page is served over HTTPS; no expiry (ends with the browser; the
 *   token's own expiry still ends it sooner: a 401 sends the person to log in).
 * - Readable by the page's scripts, as sessionStorage was: the client needs the token for its
 *   calls. An HttpOnly cookie would keep it from scripts, but the backend would then have to
 *   authenticate by cookie and defend against CSRF: see the README.
 *
 * No "use client": the server and the browser both parse it here, from a Cookie header or
 * `document.cookie` (the same syntax).
 */
import type { Session } from "./api";

/** The cookie's name over plain HTTP (a local cluster, the tests). */
export const SESSION_COOKIE = "todo.session";
/**
 * Its name over HTTPS: the `__Host-` prefix makes browsers refuse a copy set with a Domain (by a
 * sibling subdomain) or from plain HTTP, so nobody else can plant a session here.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

const nameFor = (secure: boolean) => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

/** The `Set-Cookie`/`document.cookie` text that stores `session`. */
export function sessionCookie(session: Session, secure: boolean): string {
  const value = encodeURIComponent(JSON.stringify(session));
  return `${nameFor(secure)}=${value}; Path=/; SameSite=Strict${secure ? "; Secure" : ""}`;
}

/** The text that ends the session: the same cookie, expired. */
export function endedSessionCookie(secure: boolean): string {
  return `${nameFor(secure)}=; Path=/; Max-Age=0; SameSite=Strict${secure ? "; Secure" : ""}`;
}

/**
 * The session in a Cookie header (or `document.cookie`): the first valid one, the `__Host-` one
 * before any other; null when there is none.
 */
export function sessionFromCookies(header: string | null | undefined): Session | null {
  const found: Session[] = [];
  for (const name of [SECURE_SESSION_COOKIE, SESSION_COOKIE]) {
    for (const pair of (header ?? "").split(";")) {
      const at = pair.indexOf("=");
      if (at === -1 || pair.slice(0, at).trim() !== name) continue;
      try {
        const parsed: unknown = JSON.parse(decodeURIComponent(pair.slice(at + 1).trim()));
        if (isSession(parsed)) found.push(parsed);
      } catch {
        // Not one of ours: the next one may be.
      }
    }
  }
  return found[0] ?? null;
}

function isSession(value: unknown): value is Session {
  if (value === null || typeof value !== "object") return false;
  const { access_token: token, user } = value as Partial<Session>;
  return (
    typeof token === "string" &&
    token !== "" &&
    user !== null &&
    typeof user === "object" &&
    typeof user.id === "number" &&
    typeof user.email === "string" &&
    typeof user.name === "string"
  );
}
