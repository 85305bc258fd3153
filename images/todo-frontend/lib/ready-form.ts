"use client";
import { type RefObject, useCallback } from "react";
import { READY } from "./form-guard";

/**
 * The `ref` for a form: marks it ready as React attaches it (after hydration, or when a form is
 * drawn later), and from then on the head's guard leaves its submit event alone
 * (lib/form-guard.ts says why there is a guard). `form`, if given, is set to the element too.
 * Every form of the app uses it but the shortcuts dialog's (`method="dialog"`, which the guard
 * lets through): the e2e tests wait for the others to be ready, so one that is not fails them.
 */
export function useReadyForm(
  form?: RefObject<HTMLFormElement | null>,
): (element: HTMLFormElement | null) => void {
  return useCallback(
    (element: HTMLFormElement | null) => {
      if (form) form.current = element;
      element?.setAttribute(READY, "");
    },
    [form],
  );
}
