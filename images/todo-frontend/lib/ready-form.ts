"use client";
import { type RefObject, useLayoutEffect } from "react";
import { READY } from "./form-guard";

/**
 * Marks `form` ready once React has hydrated it (or mounted it, for a form drawn later: pass
 * `shown`): from then on the head's guard leaves its submit event alone (lib/form-guard.ts says
 * why there is a guard). Every form of the app uses it but the shortcuts dialog's
 * (`method="dialog"`, which the guard lets through): the e2e tests wait for the others to be
 * ready, so one that is not fails them.
 */
export function useReadyForm(form: RefObject<HTMLFormElement | null>, shown = true): void {
  useLayoutEffect(() => {
    if (shown) form.current?.setAttribute(READY, "");
  }, [form, shown]);
}
