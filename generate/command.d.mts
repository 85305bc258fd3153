// Types of command.mjs (plain JavaScript, for the launcher).
export interface Command {
  mode: "render" | "check";
  root: string;
  threads: number | "auto";
}
export declare const MIN_ENVIRONMENTS: number;
export declare const BUNDLE_ENVIRONMENTS_FROM: number;
export declare function parseCommand(argv: string[]): Command | undefined;
export declare function isEnvironmentFile(file: string): boolean;
export declare function autoThreads(environments: number): number;
export declare function threadsFor(threads: number | "auto", dir: string): number;
export declare function plannedThreads(argv: string[]): number;
