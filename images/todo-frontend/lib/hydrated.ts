"use client";
/**
 * Whether React runs the page yet. Until then the HTML is all there is: a form in it would be
 * submitted by the browser itself, as a GET to the page's own address, so a log-in's password
 * would land in the address bar, the history and the Ingress's access log (measured: `/login?
 * email=…&password=…`, by pressing Enter while the scripts were still on their way, as on a slow
 * phone). Forms keep their submit button disabled until this is true: the browser does not
 * submit a form whose default button is disabled, Enter included, and what was typed stays.
 */
import { useSyncExternalStore } from "react";

const never = () => () => {};

/** False on the server and during hydration, true from the render after it. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
