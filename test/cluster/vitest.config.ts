import { defineConfig } from "vitest/config";

/** The cluster suite: one file, its tests in order, on one shared control plane and Argo CD. */
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 45 * 60_000,
  },
});
