/**
 * command.mjs: the command line, and the threads a run takes, which the launcher reads to choose
 * between the startup snapshot (one thread) and the bundle (workers).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  autoThreads,
  MIN_ENVIRONMENTS,
  parseCommand,
  plannedThreads,
} from "../generate/command.mjs";

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A root whose environments/ holds `count` environment files. */
async function rootWith(count: number): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "todo-command-"));
  scratch.push(root);
  await mkdir(join(root, "environments"));
  for (let i = 0; i < count; i++) await writeFile(join(root, "environments", `e${i}.ts`), "");
  return root;
}

describe("command.mjs", () => {
  const many = Math.min(availableParallelism(), 8);

  it("parses render and check, --root and --threads; refuses anything else", () => {
    expect(parseCommand(["check", "--root", "/r", "--threads", "3"])).toEqual({
      mode: "check",
      root: "/r",
      threads: 3,
    });
    expect(parseCommand([])).toMatchObject({ mode: "render", threads: "auto" });
    for (const bad of [["deploy"], ["render", "--threads", "0"], ["render", "--threads", "x"]])
      expect(parseCommand(bad), bad.join(" ")).toBeUndefined();
  });

  it("auto: one thread below MIN_ENVIRONMENTS, the cores (at most 8) from it", async () => {
    expect(autoThreads(MIN_ENVIRONMENTS - 1)).toBe(1);
    expect(autoThreads(MIN_ENVIRONMENTS)).toBe(many);
    const below = await rootWith(MIN_ENVIRONMENTS - 1);
    const at = await rootWith(MIN_ENVIRONMENTS);
    expect(plannedThreads(["render", "--root", below])).toBe(1);
    expect(plannedThreads(["check", "--root", at])).toBe(many);
    expect(plannedThreads(["render", "--root", below, "--threads", "4"])).toBe(4);
  });

  it("plans one thread where the run itself will report the problem", () => {
    expect(plannedThreads(["render", "--root", join(tmpdir(), "todo-no-such-root")])).toBe(1);
    expect(plannedThreads(["deploy"])).toBe(1);
    expect(plannedThreads(["render", "--bogus"])).toBe(1);
  });
});
