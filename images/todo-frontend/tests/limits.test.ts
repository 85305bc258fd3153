/** The limits checked before sending, counted as the backend counts (code points, trimmed). */
import { describe, expect, it } from "vitest";
import { check, counter, length, TITLE_MAX } from "../lib/limits";

describe("limits", () => {
  it("counts code points after trimming, as Python's len() after strip()", () => {
    expect(length("  milk  ")).toBe(4);
    expect(length("😀😀")).toBe(2); // four UTF-16 units
    expect(length("\t\n ")).toBe(0);
  });

  it("refuses empty and over-long text, and never shortens it", () => {
    expect(check("   ", TITLE_MAX)).toEqual({ ok: false, problem: "empty", over: 0 });
    expect(check("x".repeat(10_000), TITLE_MAX)).toEqual({
      ok: false,
      problem: "long",
      over: 9800,
    });
    expect(check(` ${"x".repeat(200)} `, TITLE_MAX)).toEqual({ ok: true, value: "x".repeat(200) });
  });

  it("shows the counter from 80 % of the limit, and says how many are too many", () => {
    expect(counter("x".repeat(159), TITLE_MAX)).toEqual({ visible: false, over: false, text: "" });
    expect(counter("x".repeat(160), TITLE_MAX)).toEqual({
      visible: true,
      over: false,
      text: "40 characters left",
    });
    expect(counter("x".repeat(199), TITLE_MAX).text).toBe("1 character left");
    expect(counter("x".repeat(201), TITLE_MAX)).toEqual({
      visible: true,
      over: true,
      text: "1 character too many",
    });
    expect(counter("x".repeat(10_000), TITLE_MAX).text).toBe("9,800 characters too many");
  });
});
