/**
 * How the app's typeface reaches the page without slowing a first visit (the pattern known as
 * "FOFT with a flag"). Inter is 48 KB; on a phone's first visit over a slow network it would share
 * the connection with the scripts that draw the task list, and with `font-display: optional` it
 * would not be shown on that visit anyway. So:
 *
 * - a first visit draws text in Inter's metric-matched fallback (no Inter in the font stack, so
 *   the browser does not ask for it), and once the page has loaded and the browser is idle,
 *   fetches Inter into its cache and notes that in localStorage;
 * - a later visit finds the note before the first paint (`FONT_SCRIPT`, in the page's head), puts
 *   Inter first in the stack (`data-font` on <html>, app/globals.css), and the browser takes it
 *   from its cache. Should the cache have lost it, `optional` keeps the fallback: no late swap.
 *
 * Shared by the server (the script's text) and the tests; no "use client".
 */

/** Where the browser notes that the typeface is in its cache. */
export const FONT_KEY = "todo.font";

/** The first family of a CSS font stack, unquoted: `'inter', 'inter Fallback'` -> `inter`. */
export function firstFamily(stack: string): string {
  return (stack.split(",")[0] ?? "").trim().replace(/^(['"])(.*)\1$/, "$2");
}

/**
 * The inline script for `family` (next/font's generated name). Plain ES5, static text: it runs
 * before any bundle; any failure (storage disabled) leaves the fallback in place.
 */
export function fontScript(family: string): string {
  return `(function () {
  var key = ${JSON.stringify(FONT_KEY)}, family = ${JSON.stringify(family)}, root = document.documentElement;
  try {
    if (window.localStorage.getItem(key) === family) root.setAttribute("data-font", family);
  } catch (e) {}
  function fetchFont() {
    try {
      document.fonts.forEach(function (face) {
        if (face.family.replace(/^["']|["']$/g, "") !== family) return;
        face.load().then(
          function () { window.localStorage.setItem(key, family); },
          function () { window.localStorage.removeItem(key); }
        );
      });
    } catch (e) {}
  }
  window.addEventListener("load", function () {
    if (window.requestIdleCallback) window.requestIdleCallback(fetchFont, { timeout: 5000 });
    else window.setTimeout(fetchFont, 1000);
  });
})();`;
}
