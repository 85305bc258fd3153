/**
 * Where an environment file failed to load, as `file:line:column`.
 *
 * Node's message for a syntax error is only the parser's ("Expected ',', got 'ident'"). Where it
 * happened is put in front of the error's stack instead: a `<file>:<line>` line, a few source
 * lines, and a line of carets under the culprit. Node does that for everything its type stripper
 * refuses (ERR_INVALID_TYPESCRIPT_SYNTAX, ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX), which is every
 * TypeScript syntax error, and for what V8 refuses in a file it compiles as CommonJS. (What V8
 * refuses in an ES module after stripping, e.g. a name declared twice, comes without a location:
 * then the file alone is named.) The column is the carets' offset mapped back to the source
 * line: the type stripper's snippet expands tabs to stops of 4, V8's keeps them. An error without
 * carets is at the end of the input: its column is the end of the named line.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface SourceLocation {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  column: number;
  /** The text of that line. */
  text: string;
}

const TAB_STOP = 4;
/** A stack frame's `file:` URL, line and column. */
const FRAME = /(file:\/\/[^\s()]+?):(\d+):(\d+)/g;

/** The location Node gives a syntax error in a module, or undefined for any other error. */
export function syntaxErrorLocation(error: unknown): SourceLocation | undefined {
  if (!(error instanceof SyntaxError) || typeof error.stack !== "string") return undefined;
  const header = /^(.+):(\d+)\n/.exec(error.stack);
  if (header === null) return undefined;
  const file = header[1]!.startsWith("file:") ? fileURLToPath(header[1]!) : header[1]!;
  const line = Number(header[2]);
  let text: string;
  try {
    text = readFileSync(file, "utf8").split(/\r?\n/)[line - 1] ?? "";
  } catch {
    return undefined;
  }
  const end = error.stack.indexOf(`\n\n${error.name}`);
  const snippet = error.stack.slice(header[0].length, end === -1 ? undefined : end).split("\n");
  const carets = snippet.find((l) => /^[ \t]*\^+[ \t]*$/.test(l));
  const column =
    carets === undefined
      ? text.length + 1
      : sourceColumn(text, carets.indexOf("^"), carets.includes("\t"));
  return { file, line, column, text };
}

/** The 1-based column in `text` that is displayed at `offset` (0-based). */
function sourceColumn(text: string, offset: number, tabsKept: boolean): number {
  let width = 0;
  let index = 0;
  while (index < text.length && width < offset) {
    width += text[index] === "\t" && !tabsKept ? TAB_STOP - (width % TAB_STOP) : 1;
    index++;
  }
  return index + 1;
}

/** `file` relative to the working directory when it is inside it, else absolute. */
function shown(file: string): string {
  const path = relative(process.cwd(), resolve(file));
  return path.startsWith("..") || isAbsolute(path) ? resolve(file) : path;
}

/**
 * One message for an environment file `file` that could not be imported: `file:line:column:
 * message` and the line with a caret for a syntax error (naming the importing environment when
 * the error is in a file it imports); for an error thrown while the file runs, where it was
 * thrown when that is in the environments folder; else the file and the error's own message.
 */
export function describeLoadError(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = syntaxErrorLocation(error);
  if (at === undefined) {
    // An error thrown while the file runs: its first stack frame in the environments folder.
    const folder = `${pathToFileURL(dirname(resolve(file))).href}/`;
    const frame = [...String((error as Error | undefined)?.stack).matchAll(FRAME)].find((m) =>
      m[1]!.startsWith(folder),
    );
    const where =
      frame === undefined
        ? shown(file)
        : `${shown(fileURLToPath(frame[1]!))}:${frame[2]}:${frame[3]}`;
    return `${where}: ${message}`;
  }
  const importedBy = resolve(at.file) === resolve(file) ? "" : ` (imported by ${shown(file)})`;
  const pointer = `${at.text.slice(0, at.column - 1).replace(/[^\t]/g, " ")}^`;
  return [
    `${shown(at.file)}:${at.line}:${at.column}: syntax error: ${message}${importedBy}`,
    `  ${at.text}`,
    `  ${pointer}`,
  ].join("\n");
}
