/**
 * Lighthouse (the npm package) against the production build, in Debian's Chromium, with its
 * default settings: mobile (a mid-range phone's screen, simulated slow 4G, 4× CPU slowdown).
 * Used by `npm run bench` (scripts/bench.ts) and by tests/lighthouse.test.ts.
 *
 * The task screen needs a signed-in session, a cookie (lib/session-cookie.ts): each page is
 * audited in a tab of its own that first opens the origin and sets the cookie there; Lighthouse
 * then audits that tab with storage reset off (so the session stays).
 */
import lighthouse, { type Flags, type Result } from "lighthouse";
import puppeteer from "puppeteer-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./stack.ts";

export const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Page {
  label: string;
  url: string;
  /** A session's cookie (as lib/session-cookie.ts writes it) to set before the audit. */
  session?: string;
}

export interface Audit {
  label: string;
  url: string;
  scores: Record<Category, number>;
  /** Audits that count towards a category's score and did not pass, as "category: id (title)". */
  failing: string[];
  metrics: { fcp: number; lcp: number; tbt: number; cls: number; si: number };
  lighthouse: string;
  browser: string;
  /** The whole report, for a closer look (bench.ts saves it). */
  lhr: Result;
}

function summary(page: Page, lhr: Result): Audit {
  const scores = Object.fromEntries(
    CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
  ) as Record<Category, number>;
  const failing = CATEGORIES.flatMap((c) =>
    (lhr.categories[c]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0)
      .map((ref) => lhr.audits[ref.id]!)
      .filter((a) => a.score !== null && a.score < 1)
      .map((a) => `${c}: ${a.id} (${a.title})`),
  );
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  return {
    label: page.label,
    url: page.url,
    scores,
    failing,
    metrics: {
      fcp: metric("first-contentful-paint"),
      lcp: metric("largest-contentful-paint"),
      tbt: metric("total-blocking-time"),
      cls: metric("cumulative-layout-shift"),
      si: metric("speed-index"),
    },
    lighthouse: lhr.lighthouseVersion,
    browser: lhr.environment.hostUserAgent,
    lhr,
  };
}

/** Audits each page once, in order, in one browser. */
export async function audit(pages: Page[]): Promise<Audit[]> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const audits: Audit[] = [];
    for (const page of pages) {
      const tab = await browser.newPage();
      if (page.session !== undefined) {
        // Storage is not reset for this page (the session must stay), so empty the HTTP cache
        // and localStorage (where an earlier page noted the typeface as cached, lib/font.ts) by
        // hand: every page is measured on a first visit.
        const cdp = await tab.createCDPSession();
        await cdp.send("Network.clearBrowserCache");
        await cdp.detach();
        await tab.goto(new URL("/healthz", page.url).href);
        await tab.evaluate((cookie) => {
          window.localStorage.clear();
          document.cookie = cookie;
        }, page.session);
      }
      const flags: Flags = {
        logLevel: "error",
        output: "json",
        onlyCategories: [...CATEGORIES],
        disableStorageReset: page.session !== undefined,
      };
      const result = await lighthouse(page.url, flags, undefined, tab);
      if (result === undefined) throw new Error(`Lighthouse returned nothing for ${page.url}`);
      if (result.lhr.runtimeError)
        throw new Error(`Lighthouse on ${page.url}: ${result.lhr.runtimeError.message}`);
      audits.push(summary(page, result.lhr));
      await tab.close();
    }
    return audits;
  } finally {
    await browser.close();
  }
}
