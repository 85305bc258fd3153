/**
 * Forwards /api/... to the backend when a request for it reaches the frontend itself (no Ingress
 * in front, e.g. `kubectl port-forward` of the frontend Service). The backend's URL is read from
 * BACKEND_URL on every request, at run time, so the same image works in every environment.
 * Behind the Ingress, /api never reaches this code: the Ingress sends it to the backend.
 */
import type { NextRequest } from "next/server";

export const dynamic = "force-dynamic";

/** Request headers passed on; hop-by-hop and host headers are not. */
const FORWARDED = ["accept", "authorization", "content-type", "user-agent", "accept-language"];

async function forward(
  request: NextRequest,
  context: { params: Promise<{ path: string[] }> },
): Promise<Response> {
  const backend = process.env.BACKEND_URL;
  if (backend === undefined || backend === "") {
    return Response.json(
      { detail: "BACKEND_URL is not set on the frontend server" },
      { status: 502 },
    );
  }
  const { path } = await context.params;
  const target = new URL(
    `/api/${path.map(encodeURIComponent).join("/")}${request.nextUrl.search}`,
    backend,
  );
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set("x-forwarded-host", request.headers.get("host") ?? "");
  headers.set("x-forwarded-proto", request.nextUrl.protocol.replace(":", ""));
  const hasBody = !["GET", "HEAD"].includes(request.method);
  try {
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      cache: "no-store",
      signal: AbortSignal.timeout(60_000),
    });
    const responseHeaders = new Headers();
    for (const name of ["content-type", "www-authenticate", "location"]) {
      const value = upstream.headers.get(name);
      if (value !== null) responseHeaders.set(name, value);
    }
    return new Response(upstream.status === 204 ? null : upstream.body, {
      status: upstream.status,
      headers: responseHeaders,
    });
  } catch {
    return Response.json(
      { detail: "The backend is not reachable from the frontend server" },
      { status: 502 },
    );
  }
}

export { forward as GET, forward as POST, forward as PATCH, forward as PUT, forward as DELETE };
