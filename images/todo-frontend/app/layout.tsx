import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import type { ReactNode } from "react";
import { firstFamily, fontScript } from "@/lib/font";
import { FORM_GUARD_SCRIPT } from "@/lib/form-guard";
import { THEME_COLOR } from "@/lib/theme";
import "./globals.css";

// Inter, served with the app (no font service at run time). A first visit draws its metric-matched
// fallback and fetches Inter once the page is idle; later visits use it (lib/font.ts).
const inter = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  weight: "100 900",
  variable: "--font-inter",
  display: "optional",
  // Not preloaded: on a phone's first visit its 48 KB would compete with the scripts that draw the
  // task list; with `optional`, a visit that finds it missing from the cache keeps the fallback.
  preload: false,
});
const family = firstFamily(inter.style.fontFamily);

export const metadata: Metadata = {
  title: { default: "Todo", template: "%s · Todo" },
  description: "Your tasks, on any screen, and an assistant that adds, completes and tidies them.",
  applicationName: "Todo",
};
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: THEME_COLOR.light },
    { media: "(prefers-color-scheme: dark)", color: THEME_COLOR.dark },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The head's script may set data-font before React hydrates <html> (lib/font.ts).
    <html lang="en" className={inter.variable} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: fontScript(family) }} />
        {/* Runs before the body, and any form, is parsed: no form is sent before React runs it. */}
        <script dangerouslySetInnerHTML={{ __html: FORM_GUARD_SCRIPT }} />
      </head>
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
