import { defineConfig } from "vitest/config";

// Tests that need a WebGPU adapter (`*.gpu.test.ts`) are kept apart from those that need none: they
// share one adapter (on CI a software one that uses every core), so they run one file at a time,
// after the rest. `npx vitest run --project unit` runs only the tests that need no adapter.
// The browser page's end-to-end test (`*.e2e.test.ts`, `npm run test:web`) drives headless Chromium
// with its own WebGPU adapter; it runs last, alone.
export default defineConfig({
  test: {
    // The CLI tests spawn Node processes and the fuzz test runs thousands of inputs; on a small CI
    // machine those take seconds, not the default 5 s budget.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.gpu.test.ts", "test/**/*.e2e.test.ts"], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: "gpu", include: ["test/**/*.gpu.test.ts"], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: "web", include: ["test/web/**/*.e2e.test.ts"], fileParallelism: false, testTimeout: 180_000, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
