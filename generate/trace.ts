/**
 * `TODO_GITOPS_TRACE=1`: the launcher and the generator name on stderr the path they took (the
 * startup snapshot, the bundle, worker threads) and how long each phase of a run took. The tests
 * read the path; `npm run bench` reads the phases. Without the variable, nothing is printed.
 */
const on = () =>
  process.env.TODO_GITOPS_TRACE !== undefined && process.env.TODO_GITOPS_TRACE !== "";

export function trace(message: string): void {
  if (on()) process.stderr.write(`todo-gitops: ${message}\n`);
}

/** `fn`'s result; traces "<what> in <ms> ms" when tracing. */
export function timed<T>(what: string, fn: () => T): T {
  if (!on()) return fn();
  const start = performance.now();
  const result = fn();
  trace(`${what} in ${(performance.now() - start).toFixed(0)} ms`);
  return result;
}

/** `timed` for a promise. */
export async function timedAsync<T>(what: string, fn: () => Promise<T>): Promise<T> {
  if (!on()) return fn();
  const start = performance.now();
  const result = await fn();
  trace(`${what} in ${(performance.now() - start).toFixed(0)} ms`);
  return result;
}
