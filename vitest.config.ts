import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real control plane and Argo CD: its own config and command (npm run test:cluster).
    exclude: ["test/cluster/**", "**/node_modules/**"],
    // Tests that spawn the CLI need more than the default 5 s on a loaded 2-core machine.
    testTimeout: 60_000,
  },
});
