/**
 * The page background of each theme, for the browser's own chrome (<meta name="theme-color">),
 * which cannot read CSS custom properties. tests/design-tokens.test.ts checks that these equal
 * --color-bg in app/globals.css.
 */
export const THEME_COLOR = { light: "#f5f6f8", dark: "#0f1115" } as const;
