/**
 * Many environments on several cores: worker threads render batches of environments to files
 * (`renderEnvironmentFiles`: objects, validation, YAML) while this thread renders batches too; this
 * thread then joins them with the Argo CD objects (`assembleFiles`). The file map, and any error,
 * is the one `renderAll` gives, byte for byte: the same functions run, only on other threads.
 *
 * A worker runs the same code as this thread: the launcher's bundle, or these sources when run
 * unbundled (`setWorkerScript`). How many threads a run takes: command.mjs.
 */
import { setImmediate as yieldToEvents } from "node:timers/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Environment } from "./environment.ts";
import {
  assembleFiles,
  type EnvironmentFiles,
  type FileMap,
  renderEnvironmentFiles,
} from "./render.ts";
import { timed, trace } from "./trace.ts";

/** Environments per message at most: few enough to share the work evenly, enough to be cheap. */
const BATCH = 8;

interface Job {
  todoGitopsRender: true;
  /** What the worker imports before it answers: the module holding this file's code. */
  script: string;
  /** Node's compile cache for the worker's own loading of `script` (the launcher's). */
  compileCache?: string;
}

type Reply = { batch: number; files: EnvironmentFiles[] } | { batch: number; error: ErrorLike };
interface ErrorLike {
  name: string;
  message: string;
  stack?: string;
}

/** A worker's own code: load the generator (which then answers, below), with a compile cache. */
const WORKER = `
  const { workerData } = require("node:worker_threads");
  if (workerData.compileCache) require("node:module").enableCompileCache(workerData.compileCache);
  import(workerData.script);
`;

let script: string | undefined;
let compileCache: string | undefined;

/**
 * What a worker loads to get this code: the launcher's bundle (or, unbundled, this file). Where
 * `import.meta.url` names it already (sources, the ES module bundle) nothing needs setting.
 */
export function setWorkerScript(url: string, cache?: string): void {
  script = url;
  compileCache = cache;
}

/**
 * `count` render workers, loading the generator from now on: started before the environments are
 * loaded, a worker's start (0.2-0.4 s) overlaps with the loading instead of following it. Give
 * them to `renderParallel`, which ends them; or end them with `stopWorkers`.
 */
export function startWorkers(count: number): RenderWorker[] {
  const job: Job = {
    todoGitopsRender: true,
    script: script ?? import.meta.url,
    ...(compileCache === undefined ? {} : { compileCache }),
  };
  const workers: RenderWorker[] = [];
  try {
    while (workers.length < count) {
      const worker = new Worker(WORKER, { eval: true, workerData: job });
      // Listened to from the start: a worker that fails while loading is not an uncaught error,
      // and its end is known to whoever gives it work later.
      const stopped = new Promise<Error>((resolve) => {
        worker.once("error", resolve);
        worker.once("exit", (code) =>
          resolve(new Error(`a render worker stopped (exit code ${code})`)),
        );
      });
      workers.push({ worker, stopped });
    }
  } catch (error) {
    // A worker that could not start: end the ones that did, or they keep the process alive.
    void stopWorkers(workers);
    throw error;
  }
  return workers;
}

/** A render worker, and its end: the error it failed with, or its exit. */
export interface RenderWorker {
  worker: Worker;
  stopped: Promise<Error>;
}

export async function stopWorkers(workers: readonly RenderWorker[]): Promise<void> {
  await Promise.all(workers.map(({ worker }) => worker.terminate()));
}

/**
 * `renderAll` on `threads` threads (this one included), using the `started` workers first. With
 * one thread, or one environment, it is `renderAll` itself. Every worker is ended on return.
 */
export async function renderParallel(
  environments: readonly Environment[],
  threads: number,
  started: readonly RenderWorker[] = [],
): Promise<FileMap> {
  // Four batches a thread at least, so that a slow start or a busy core evens out.
  const size = Math.max(1, Math.min(BATCH, Math.ceil(environments.length / (threads * 4))));
  const batches: Environment[][] = [];
  for (let i = 0; i < environments.length; i += size) batches.push(environments.slice(i, i + size));
  const workerCount = Math.min(threads - 1, batches.length - 1);
  if (workerCount < 1) {
    await stopWorkers(started);
    // renderAll, in its two steps.
    const rendered = timed(`rendered ${environments.length} environments on 1 thread`, () =>
      environments.map(renderEnvironmentFiles),
    );
    return timed("joined them with the Argo CD objects", () =>
      assembleFiles(environments, rendered),
    );
  }
  trace(`rendering on ${workerCount + 1} threads`);
  const start = performance.now();

  const results: (EnvironmentFiles[] | ErrorLike | undefined)[] = new Array(batches.length);
  let next = 0;
  let here = 0;
  const workers = [...started];
  try {
    workers.push(...startWorkers(Math.max(0, workerCount - started.length)));
    const finished = workers.slice(0, workerCount).map(({ worker, stopped }) => {
      return new Promise<void>((resolve, reject) => {
        let done = false;
        let queued = 0;
        const give = () => {
          if (next < batches.length) {
            const batch = next++;
            queued++;
            worker.postMessage({ batch, environments: batches[batch] });
          } else if (queued === 0) {
            done = true;
            resolve();
          }
        };
        worker.on("message", (reply: Reply) => {
          queued--;
          results[reply.batch] = "error" in reply ? reply.error : reply.files;
          give();
        });
        void stopped.then((error) => {
          if (!done) reject(error);
        });
        // Two batches queued: the next one is there when a batch is done, while this thread is
        // still busy with its own batch and cannot answer.
        give();
        give();
      });
    });
    // Handled from now on: a worker that fails while this thread renders is no unhandled
    // rejection, and this thread stops taking batches.
    const all = Promise.all(finished);
    let failed = false;
    all.catch(() => (failed = true));
    // This thread takes batches too, letting the workers' replies in between.
    while (!failed && next < batches.length) {
      const batch = next++;
      results[batch] = renderBatch(batches[batch]!);
      here += batches[batch]!.length;
      await yieldToEvents();
    }
    await all;
  } finally {
    await stopWorkers(workers);
  }
  trace(
    `rendered ${environments.length} environments on ${workerCount + 1} threads in ${(performance.now() - start).toFixed(0)} ms (${here} on this one)`,
  );

  const rendered: EnvironmentFiles[] = [];
  for (const result of results) {
    if (result === undefined || !Array.isArray(result)) throw revive(result);
    rendered.push(...result);
  }
  return timed("joined them with the Argo CD objects", () => assembleFiles(environments, rendered));
}

/** One batch; an exception (not a RenderError: those are findings) ends it as renderAll would. */
function renderBatch(batch: readonly Environment[]): EnvironmentFiles[] | ErrorLike {
  try {
    return batch.map(renderEnvironmentFiles);
  } catch (error) {
    const { name, message, stack } = error as Error;
    return { name, message, ...(stack === undefined ? {} : { stack }) };
  }
}

function revive(error: ErrorLike | undefined): Error {
  const revived = new Error(error?.message ?? "a render worker stopped without an answer");
  revived.name = error?.name ?? "Error";
  if (error?.stack !== undefined) revived.stack = error.stack;
  return revived;
}

// In a render worker (and only there: vitest runs test files on worker threads too), answer
// batches until terminated.
if (!isMainThread && (workerData as Partial<Job> | null)?.todoGitopsRender === true) {
  parentPort!.on(
    "message",
    ({ batch, environments }: { batch: number; environments: Environment[] }) => {
      const result = renderBatch(environments);
      parentPort!.postMessage(
        Array.isArray(result) ? { batch, files: result } : { batch, error: result },
      );
    },
  );
}
