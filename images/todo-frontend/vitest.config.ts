import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The end-to-end tests start a database, the backend, the built frontend and a browser.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // expect.poll waits for the app, not for a clock: generous on a busy two-core machine.
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
