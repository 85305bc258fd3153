"use client";
import { type ComponentProps, type Ref, useCallback, useLayoutEffect, useRef } from "react";
import { describedBy, TITLE_MAX } from "@/lib/limits";

/**
 * A one-line text field with a length limit, as the new-task, edit and assistant fields share it:
 * marked invalid while it has a `problem`, and described by its error (`errorId`) while there is
 * one and by its counter (`counterId`, a TitleCounter the caller places) while that is shown.
 *
 * Text typed into a server-drawn field before React ran the page is handed to the owner at mount:
 * React keeps it through hydration, but the field is controlled, so the next render would
 * otherwise put the owner's empty `value` back and the text would be gone.
 */
export function CountedInput({
  value,
  onValueChange,
  max = TITLE_MAX,
  problem,
  errorId,
  counterId,
  ref,
  ...rest
}: Omit<ComponentProps<"input">, "value" | "onChange" | "type"> & {
  value: string;
  onValueChange: (value: string) => void;
  max?: number;
  problem: unknown;
  errorId: string;
  counterId: string;
}) {
  const field = useRef<HTMLInputElement | null>(null);
  const attach = useCallback(
    (element: HTMLInputElement | null) => {
      field.current = element;
      setRef(ref, element);
    },
    [ref],
  );
  useLayoutEffect(() => {
    const typed = field.current?.value ?? "";
    if (typed !== value) onValueChange(typed);
    // Once, at mount: afterwards every keystroke goes through onChange.
  }, []);
  return (
    <input
      ref={attach}
      className="input"
      type="text"
      autoComplete="off"
      value={value}
      onChange={(e) => onValueChange(e.target.value)}
      aria-invalid={problem ? true : undefined}
      aria-describedby={describedBy(problem ? errorId : null, counterId, value, max)}
      {...rest}
    />
  );
}

function setRef<T>(ref: Ref<T> | undefined, value: T | null): void {
  if (typeof ref === "function") ref(value);
  else if (ref) ref.current = value;
}
