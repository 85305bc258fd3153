import type { NextConfig } from "next";

const config: NextConfig = {
  // A self-contained server in .next/standalone: the image ships only that (see Dockerfile).
  output: "standalone",
  // This app is its own root (the repository's lockfile one level up is not its workspace), so
  // the standalone server lands at .next/standalone/server.js.
  outputFileTracingRoot: import.meta.dirname,
  turbopack: { root: import.meta.dirname },
  poweredByHeader: false,
  // No next/image here, so no sharp: leaving its 19 MB of native code out keeps the image small.
  images: { unoptimized: true },
  outputFileTracingExcludes: { "*": ["node_modules/@img/**", "node_modules/sharp/**"] },
  reactStrictMode: true,
  // No rewrites here: next.config is frozen at build time, and the backend URL is known only at
  // run time. /api is forwarded by app/api/[...path]/route.ts, which reads BACKEND_URL per request.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default config;
