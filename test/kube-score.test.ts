/**
 * kube-score (built from its Go module at the pinned version, cached by version) over every
 * rendered environment: no critical finding and no warning. A check an object does not need is
 * ignored on that object only (`kube-score/ignore`), with the reason beside the call in its
 * component and in docs/testing.md's table, which this test keeps complete.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubeScore } from "./cluster/build.ts";
import { VERSIONS } from "../scripts/versions.ts";
import { REPO } from "./helpers.ts";

const ENVIRONMENTS = readdirSync(join(REPO, "rendered"));
const files = (env: string) =>
  readdirSync(join(REPO, "rendered", env)).map((f) => join(REPO, "rendered", env, f));

describe(`kube-score ${VERSIONS.kubeScore}`, () => {
  it.each(ENVIRONMENTS)(
    "passes %s with no critical finding and no warning",
    (env) => {
      const result = spawnSync(kubeScore(), ["score", "--output-format", "ci", ...files(env)], {
        encoding: "utf8",
      });
      const findings = result.stdout
        .split("\n")
        .filter((line) => /^\[(CRITICAL|WARNING)\]/.test(line));
      expect(findings).toEqual([]);
      expect(result.stdout).toMatch(/^\[OK\]/m);
    },
    15 * 60_000,
  );

  it("every ignored check is listed with its reason in docs/testing.md", () => {
    const readme = readFileSync(join(REPO, "docs/testing.md"), "utf8");
    const ignored = new Set(
      ENVIRONMENTS.flatMap(files).flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/kube-score\/ignore: (.+)/g)].flatMap((m) =>
          m[1]!.replace(/"/g, "").split(","),
        ),
      ),
    );
    expect(ignored.size).toBeGreaterThan(0);
    for (const check of ignored)
      expect(readme, check).toMatch(new RegExp(`\\| \`${check}\` +\\| .{20,}`));
  });
});
