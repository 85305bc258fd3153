"use client";
import type { ComponentProps } from "react";
import { describedBy, TITLE_MAX } from "@/lib/limits";

/**
 * A one-line text field with a length limit, as the new-task, edit and assistant fields share it:
 * marked invalid while it has a `problem`, and described by its error (`errorId`) while there is
 * one and by its counter (`counterId`, a TitleCounter the caller places) while that is shown.
 */
export function CountedInput({
  value,
  onValueChange,
  max = TITLE_MAX,
  problem,
  errorId,
  counterId,
  ...rest
}: Omit<ComponentProps<"input">, "value" | "onChange" | "type"> & {
  value: string;
  onValueChange: (value: string) => void;
  max?: number;
  problem: unknown;
  errorId: string;
  counterId: string;
}) {
  return (
    <input
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
