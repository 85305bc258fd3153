/**
 * Image references as the builders and the rules read them: the pullable reference, and the
 * placeholder digest of an image that was never promoted.
 */
import type { Environment, ImageRef } from "./schema.ts";

/**
 * The digest `environments/images.json` holds for an image that was never promoted: all zeros,
 * which no registry can serve. Such an environment cannot be synced (see `unreleased`).
 */
export const UNRELEASED_DIGEST = `sha256:${"0".repeat(64)}`;

/** The components of an environment whose image was never promoted, sorted. */
export function unreleased(env: Pick<Environment, "images">): string[] {
  return Object.entries(env.images)
    .filter(([, ref]) => ref?.digest === UNRELEASED_DIGEST)
    .map(([component]) => component)
    .sort();
}

/** `repository:tag@digest`, or `repository:tag` when no digest is pinned. */
export function imageReference(ref: ImageRef): string {
  return `${ref.repository}:${ref.tag}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}
