/**
 * Every failure the API can answer, in people's words: what did not happen (by action), why, and
 * what to do. The server's `detail` is never shown as it is: it is written for developers
 * ("title: String should have at least 1 character"), and a proxy's 502 page has none.
 */
import { ApiError, type TaskChange } from "./api";
import { MESSAGE_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, TITLE_MAX } from "./limits";

export type Action =
  "load" | "add" | "rename" | "complete" | "delete" | "restore" | "chat" | "login" | "signup";

export interface Explained {
  /** What happened, in one sentence, then why and what to do. */
  message: string;
  /** A retry can help (the same request may well work later). */
  retry: boolean;
  /** Seconds to wait before retrying, when the server said so. */
  retryAfter: number | null;
  /** The session is over: the page should send the person to log in. */
  signIn: boolean;
  /** An account exists already: offer to log in instead. */
  logInInstead: boolean;
  /** The conversation is too long: offer a new one. */
  newChat: boolean;
  /** The task is gone from the server: drop it from the list. */
  gone: boolean;
  /** Tasks the assistant changed before it failed. */
  changes: TaskChange[];
}

const FAILED: Record<Action, string> = {
  load: "Your tasks couldn’t be loaded.",
  add: "Your task wasn’t added.",
  rename: "Your change wasn’t saved.",
  complete: "That task wasn’t updated.",
  delete: "That task wasn’t deleted.",
  restore: "That task couldn’t be brought back.",
  chat: "The assistant didn’t answer.",
  login: "You’re not logged in.",
  signup: "Your account wasn’t created.",
};

/** "5 seconds", "1 minute", "5 minutes": Retry-After as people say it. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

const later = (after: number | null) =>
  after === null ? "Try again in a moment." : `Try again in ${duration(after)}.`;

/** A 422's field problems ("email: value is not a valid email address: ...") in plain words. */
function invalid(problems: string[]): string {
  const fields = problems.map((p) => ({
    field: p.split(":")[0]?.trim().split(".").at(-1) ?? "",
    what: p,
  }));
  const about = (name: string) => fields.find((f) => f.field === name)?.what;
  const title = about("title");
  if (title !== undefined) {
    if (/at least 1 character/.test(title)) return "A task needs a title.";
    if (/at most/.test(title)) return `Titles can be up to ${TITLE_MAX} characters. Shorten it.`;
    return "The title has a character that can’t be saved. Remove it and try again.";
  }
  if (about("email") !== undefined)
    return "That email address doesn’t look right. Check it, for example name@example.com.";
  if (about("password") !== undefined)
    return `Passwords need ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`;
  if (about("name") !== undefined) return `Names can be up to ${NAME_MAX} characters.`;
  const message = about("message");
  if (message !== undefined)
    return /at least 1 character/.test(message)
      ? "Type a message first."
      : `Messages can be up to ${MESSAGE_MAX.toLocaleString("en")} characters.`;
  return "Something you entered wasn’t accepted. Check it and try again.";
}

export function explain(caught: unknown, action: Action): Explained {
  const base: Explained = {
    message: "",
    retry: false,
    retryAfter: null,
    signIn: false,
    logInInstead: false,
    newChat: false,
    gone: false,
    changes: [],
  };
  if (!(caught instanceof ApiError)) {
    return {
      ...base,
      message: `${FAILED[action]} Something unexpected went wrong. Reload the page and try again.`,
    };
  }
  const { status, retryAfter } = caught;
  const failed = FAILED[action];
  const chat = action === "chat";
  const changes = caught.changes;
  const saved =
    changes.length > 0
      ? ` ${changes.length === 1 ? "One change was" : `${changes.length} changes were`} saved before it stopped.`
      : "";

  if (status === 0)
    return {
      ...base,
      retry: true,
      message: `${failed} Todo can’t be reached: check your internet connection, then try again.`,
    };
  if (status === 400)
    return {
      ...base,
      message: `${failed} Your browser sent something the server couldn’t read. Reload the page, then try again.`,
    };
  if (status === 401) {
    if (action === "login")
      return { ...base, message: "Wrong email or password. Check both and try again." };
    return {
      ...base,
      signIn: true,
      message: "Your session has ended. Log in again to carry on where you left off.",
    };
  }
  if (status === 404)
    return {
      ...base,
      gone: true,
      message: `${failed} It had already been deleted, perhaps on another device.`,
    };
  if (status === 409)
    return {
      ...base,
      logInInstead: action === "signup",
      message:
        action === "signup"
          ? "An account with this email already exists. Log in instead, or use another email."
          : `${failed} It was changed at the same time somewhere else. Reload and try again.`,
    };
  if (status === 413)
    return chat
      ? {
          ...base,
          newChat: true,
          message:
            "This conversation has grown too long to send. Start a new chat, or send a shorter message.",
        }
      : {
          ...base,
          message: `${failed} That’s more text than Todo accepts. Shorten it and try again.`,
        };
  if (status === 422) return { ...base, message: `${failed} ${invalid(caught.problems)}` };
  if (status === 429)
    return {
      ...base,
      retry: true,
      retryAfter,
      logInInstead: action === "signup",
      message:
        action === "login"
          ? `Too many log-in attempts. To keep your account safe, wait ${retryAfter === null ? "a few minutes" : duration(retryAfter)} before trying again.`
          : action === "signup"
            ? `Too many new accounts from your network. Wait ${retryAfter === null ? "a while" : duration(retryAfter)} before trying again, or log in if you already have an account.`
            : chat
              ? `The assistant has had many messages from you in a short time. ${later(retryAfter)}`
              : `${failed} Too many requests at once. ${later(retryAfter)}`,
    };
  if (status === 502)
    return {
      ...base,
      retry: true,
      changes,
      message: chat
        ? `The assistant’s AI service had a problem.${saved} Try again in a moment.`
        : `${failed} Todo’s server isn’t responding right now. Try again in a moment.`,
    };
  if (status === 503) {
    // A 503 from /api/chat without Retry-After is the assistant being switched off, not an outage.
    if (chat && retryAfter === null)
      return {
        ...base,
        message: "The assistant isn’t switched on here. Everything else works as usual.",
      };
    return {
      ...base,
      retry: true,
      retryAfter,
      message: `${failed} Todo is briefly unavailable. ${later(retryAfter)}`,
    };
  }
  if (status === 504)
    return {
      ...base,
      retry: true,
      changes,
      message: chat
        ? `The assistant did not answer in time.${saved} Try again in a moment.`
        : `${failed} The server took too long to answer. Try again in a moment.`,
    };
  if (status >= 500)
    return {
      ...base,
      retry: true,
      message: `${failed} Something went wrong on our side, not yours. Try again in a moment.`,
    };
  return { ...base, retry: true, message: `${failed} Something went wrong. Try again.` };
}
