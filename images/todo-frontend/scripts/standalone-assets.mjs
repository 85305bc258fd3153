// `next build` leaves static assets out of .next/standalone (a CDN could serve them); this image
// serves them itself, so copy them in, as the Dockerfile does.
import { cpSync, existsSync } from "node:fs";

cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
if (existsSync("public")) cpSync("public", ".next/standalone/public", { recursive: true });
