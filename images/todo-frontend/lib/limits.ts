/**
 * The backend's limits on what people type (images/todo-backend/src/todo_api/schemas.py), checked
 * before sending: nothing is cut short without a word, and an empty title never leaves the page.
 */

export const TITLE_MAX = 200;
export const MESSAGE_MAX = 4000;
export const NAME_MAX = 100;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Characters as the backend counts them: Unicode code points, after trimming whitespace. */
export function length(text: string): number {
  let count = 0;
  for (const _ of text.trim()) count++;
  return count;
}

export type Check =
  { ok: true; value: string } | { ok: false; problem: "empty" | "long"; over: number };

/** Whether `text` can be sent as a field limited to `max` characters that must not be empty. */
export function check(text: string, max: number): Check {
  const n = length(text);
  if (n === 0) return { ok: false, problem: "empty", over: 0 };
  if (n > max) return { ok: false, problem: "long", over: n - max };
  return { ok: true, value: text.trim() };
}

/**
 * Why a field was refused before sending, in the field's own words: what to type when it is empty,
 * how many characters to remove when it is too long.
 */
export function refusal(
  failed: Extract<Check, { ok: false }>,
  max: number,
  words: { empty: string; noun: string; to: string },
): string {
  return failed.problem === "empty"
    ? words.empty
    : `${words.noun} can be up to ${max.toLocaleString("en")} characters. Remove ${failed.over.toLocaleString("en")} to ${words.to}.`;
}

/** The counter's words: shown from 80 % of the limit on, so that the limit is never a surprise. */
export function counter(
  text: string,
  max: number,
): { visible: boolean; over: boolean; text: string } {
  const n = length(text);
  const left = max - n;
  // No words while hidden: the page's first number formatting loads the browser's locale data,
  // measured at ~20 ms of a phone's main thread during start-up for counters nobody sees yet.
  if (n < Math.floor(max * 0.8)) return { visible: false, over: false, text: "" };
  return {
    visible: true,
    over: left < 0,
    text:
      left < 0
        ? `${(-left).toLocaleString("en")} ${-left === 1 ? "character" : "characters"} too many`
        : `${left.toLocaleString("en")} ${left === 1 ? "character" : "characters"} left`,
  };
}

/**
 * What a counted field's `aria-describedby` names: its error message while there is one, and its
 * counter while the counter is shown; undefined when neither is.
 */
export function describedBy(
  errorId: string | null,
  counterId: string,
  text: string,
  max: number,
): string | undefined {
  return [errorId ?? "", counter(text, max).visible ? counterId : ""].join(" ").trim() || undefined;
}
