"use client";
/**
 * The signed-in session in the browser: a cookie (lib/session-cookie.ts says why and how), read
 * afresh at every call, so logging out in one tab ends the session in all of them.
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

export function browserClient(): ApiClient {
  return new ApiClient({ token: () => loadSession()?.access_token ?? null });
}
