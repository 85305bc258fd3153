"use client";
/**
 * The signed-in session in the browser: a cookie (lib/session-cookie.ts says why and how), shared
 * by every tab and read afresh at every call: logging out in one tab ends the session in all of
 * them at their next call, and a screen opened for one account never acts for another.
 */
import { ApiClient, type Session } from "./api";
import { endedSessionCookie, sessionCookie, sessionFromCookies } from "./session-cookie";

const secure = () => window.location.protocol === "https:";

export function loadSession(): Session | null {
  if (typeof document === "undefined") return null;
  return sessionFromCookies(document.cookie);
}

export function saveSession(session: Session): void {
  document.cookie = sessionCookie(session, secure());
}

export function clearSession(): void {
  document.cookie = endedSessionCookie(secure());
}

const NOTICE = "todo.notice";

/** A sentence for the next page to show once (why the person was sent to log in). */
export function leaveNotice(text: string): void {
  window.sessionStorage.setItem(NOTICE, text);
}

export function takeNotice(): string | null {
  const text = window.sessionStorage.getItem(NOTICE);
  window.sessionStorage.removeItem(NOTICE);
  return text;
}

/**
 * The client of a screen opened for the account `account()` gives (its user id; null: whoever is
 * signed in). Once the browser's session is another account's (a log-in in another tab), its calls
 * carry no token: nothing is done in that account's name from a screen showing this one's tasks;
 * the backend answers 401 and the screen finds out (`accountChanged`).
 */
export function browserClient(account: () => number | null = () => null): ApiClient {
  return new ApiClient({
    token: () => {
      const session = loadSession();
      const expected = account();
      return session && (expected === null || session.user.id === expected)
        ? session.access_token
        : null;
    },
  });
}

/** Whether the browser's session is no longer `account`'s: another account's, or none. */
export function accountChanged(account: number): boolean {
  return loadSession()?.user.id !== account;
}
