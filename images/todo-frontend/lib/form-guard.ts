/**
 * No form is sent before React runs it. A server-drawn page is on screen, fields and all, while a
 * phone is still fetching the scripts; pressing Enter in it then had the browser send the form
 * itself, as a GET to the page's own address, so a log-in put `?email=…&password=…` in the address
 * bar, the history and the Ingress's access log (reproduced in Chromium).
 *
 * - `FORM_GUARD_SCRIPT`, inline in the page's head, runs before the body is parsed and cancels
 *   the submit event of every form that React has not marked ready: Enter, a click on its button
 *   and a script's `requestSubmit()` send nothing, and what was typed stays in the fields. (A
 *   `method="dialog"` form is let through: it only closes its dialog, and sends nothing.)
 * - `useReadyForm` (lib/ready-form.ts) marks a form once React has hydrated it (each Suspense
 *   boundary hydrates on its own, so each form says so itself). From then on its own `onSubmit`
 *   handles the event.
 * - The forms are also `method="post"`: `form.submit()` fires no submit event, so nothing can
 *   cancel it; it then carries the fields in a body, never in the address.
 *
 * Buttons disabled until hydration did the same job, at the price of every page's main button
 * flashing half-transparent while the scripts load, and a render more per form.
 *
 * Shared by the server (the script's text), the browser and the tests; no "use client".
 */

/** The attribute that tells the guard React handles this form's submit. */
export const READY = "data-ready";

/** The inline script for the page's head: static text, plain ES5. */
export const FORM_GUARD_SCRIPT = `document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method === "dialog") return;
  if (!form.hasAttribute(${JSON.stringify(READY)})) event.preventDefault();
}, true);`;
