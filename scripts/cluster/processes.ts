/**
 * Starts and stops the suite's long-running processes. Every process gets its own log file and a
 * line in a pid file, so that a run killed halfway (a crashed worker, a cancelled CI job) has its
 * leftovers stopped by the next run before it starts anything. Everything listens on 127.0.0.1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export class Processes {
  readonly children: { name: string; child: ChildProcess }[] = [];
  readonly runDir: string;
  private readonly pidFile: string;
  constructor(runDir: string, pidFile: string) {
    this.runDir = runDir;
    this.pidFile = pidFile;
    mkdirSync(join(runDir, "logs"), { recursive: true });
  }

  /** Stops what an earlier, interrupted run left behind (its pid file), then forgets it. */
  static reapLeftovers(pidFile: string): number {
    if (!existsSync(pidFile)) return 0;
    let reaped = 0;
    for (const line of readFileSync(pidFile, "utf8").split("\n")) {
      const pid = Number.parseInt(line, 10);
      if (!Number.isInteger(pid) || pid <= 1) continue;
      try {
        process.kill(-pid, "SIGKILL"); // its whole process group
        reaped++;
      } catch {
        // already gone
      }
    }
    rmSync(pidFile, { force: true });
    return reaped;
  }

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const log = openSync(join(this.runDir, "logs", `${name}.log`), "a");
    const child = spawn(command, args, {
      cwd: this.runDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", log, log],
      detached: true, // its own process group, so stop() also reaches its children
    });
    if (child.pid !== undefined) appendFileSync(this.pidFile, `${child.pid}\n`);
    this.children.push({ name, child });
    child.on("exit", (code, signal) => {
      if (!this.stopping)
        appendFileSync(
          join(this.runDir, "logs", `${name}.log`),
          `\n[suite] ${name} exited: ${code ?? signal}\n`,
        );
    });
    return child;
  }

  /** The last lines of a process's log, for a failure message. */
  tail(name: string, lines = 30): string {
    const file = join(this.runDir, "logs", `${name}.log`);
    if (!existsSync(file)) return "";
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  }

  stopping = false;

  /** SIGTERM to every process group, then SIGKILL to what is left after `graceMs`. */
  async stopAll(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    const alive = this.children.filter(
      ({ child }) => child.exitCode === null && child.signalCode === null,
    );
    for (const { child } of alive.reverse()) signalGroup(child, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (
      Date.now() < deadline &&
      alive.some(({ child }) => child.exitCode === null && child.signalCode === null)
    )
      await sleep(100);
    for (const { child } of alive) signalGroup(child, "SIGKILL");
    rmSync(this.pidFile, { force: true });
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`,
      );
    await sleep(intervalMs);
  }
}
