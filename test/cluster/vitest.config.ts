import { defineConfig } from "vitest/config";

/** The cluster suite: its files one after the other (each starts real processes), tests in order. */
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 45 * 60_000,
  },
});
