/**
 * The probes' route (rendered liveness, readiness and startup probes use /healthz): answers
 * without rendering a page or calling the backend, so a backend outage never restarts the frontend.
 */
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
