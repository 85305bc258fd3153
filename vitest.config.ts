import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests that spawn the CLI need more than the default 5 s on a loaded 2-core machine.
    testTimeout: 60_000,
  },
});
