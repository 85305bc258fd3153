import type { MetadataRoute } from "next";

/** Public pages are the log-in and sign-up forms; everything else needs an account. */
export default function robots(): MetadataRoute.Robots {
  return { rules: { userAgent: "*", allow: "/" } };
}
