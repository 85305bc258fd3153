"use client";
/**
 * The signed-in session in the browser. Kept in sessionStorage: it ends with the tab, and is
 * never sent anywhere but in the Authorization header of /api calls.
 */
import { ApiClient, type Session } from "./api";
import { SESSION_KEY as KEY } from "./early-tasks";

export function loadSession(): Session | null {
  if (typeof window === "undefined") return null;
  try {
    const raw = window.sessionStorage.getItem(KEY);
    return raw === null ? null : (JSON.parse(raw) as Session);
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  window.sessionStorage.removeItem(KEY);
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
