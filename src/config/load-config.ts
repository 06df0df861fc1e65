/**
 * Adapter: reads a reference-data file (.json, .yaml or .yml) from disk and validates it with `parseReferenceData`.
 * Every failure a user can cause (missing or unreadable file, unsupported extension, syntax error, invalid content)
 * becomes a `UserError` with one line naming the file and, where known, the line: `config/x.yaml:12: venues[0].id: ...`.
 * Line numbers for content errors come from re-reading the text as a YAML document (JSON is YAML), only when an error
 * is reported.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { UserError } from "../core/errors.js";
import { type ConfigPath, parseReferenceData, type ReferenceData } from "../model/reference-data.js";

/** Reads, parses and validates the reference data at `path`; throws a one-line `UserError` on any user mistake. */
export function loadReferenceData(path: string): ReferenceData {
  const ext = extname(path).toLowerCase();
  if (ext !== ".json" && ext !== ".yaml" && ext !== ".yml") {
    throw new UserError(
      "config-unsupported",
      `${path}: unsupported config file type ${JSON.stringify(ext || "(none)")}; expected .json, .yaml or .yml`,
    );
  }
  const text = readText(path);
  const raw = ext === ".json" ? parseJson(path, text) : parseYaml(path, text);
  return parseReferenceData(raw, path, { lineOf: (fieldPath) => lineOf(text, fieldPath) });
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError("config-not-found", `${path}: no such file`, { cause: error });
    const why =
      code === "EISDIR"
        ? "is a directory, not a file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : `cannot be read (${code ?? String(error)})`;
    throw new UserError("config-unreadable", `${path}: ${why}`, { cause: error });
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    // V8's message has no position for some errors and quotes a multi-line excerpt for others: find the spot ourselves.
    const { offset, reason } = jsonSyntaxError(text);
    const { line, col } = linePos(text, offset);
    throw new UserError("config-syntax", `${path}:${line}:${col}: invalid JSON: ${reason}`, { cause: error });
  }
}

/** Where and why strict JSON parsing of `text` fails (called once JSON.parse has refused it). */
function jsonSyntaxError(text: string): { offset: number; reason: string } {
  let i = text.startsWith("\uFEFF") ? 1 : 0;
  const stop = (reason?: string): never => {
    const found = i >= text.length ? "unexpected end of file" : `unexpected ${JSON.stringify(text[i])}`;
    throw new JsonStop(i, reason ?? found);
  };
  const skipSpace = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const take = (char: string): void => {
    skipSpace();
    if (text[i] !== char) stop();
    i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) stop("unterminated string");
      const char = text[i] as string;
      if (char === '"') {
        i++;
        return;
      }
      if (char === "\\") {
        const escaped = text[i + 1] ?? "";
        if ('"\\/bfnrt'.includes(escaped) && escaped !== "") i += 2;
        else if (escaped === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else stop("invalid escape in string");
      } else if (char.charCodeAt(0) < 0x20) {
        stop("line break or control character in string");
      } else {
        i++;
      }
    }
  };
  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === "{") {
      i++;
      skipSpace();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') stop();
        string();
        take(":");
        value();
        skipSpace();
        if (text[i] !== ",") {
          take("}");
          return;
        }
        i++;
      }
    }
    if (char === "[") {
      i++;
      skipSpace();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[i] !== ",") {
          take("]");
          return;
        }
        i++;
      }
    }
    if (char === '"') {
      string();
      return;
    }
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (number.test(text)) {
      i = number.lastIndex;
      return;
    }
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    stop();
  };
  try {
    value();
    skipSpace();
    if (i < text.length) stop();
  } catch (error) {
    if (error instanceof JsonStop) return { offset: error.offset, reason: error.reason };
    if (error instanceof RangeError) return { offset: i, reason: "nested too deeply" };
    throw error;
  }
  return { offset: 0, reason: "not valid JSON" };
}

class JsonStop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

function parseYaml(path: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    // The library's message carries " at line L, column C:" and a code excerpt; keep the first clause only.
    const reason = (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "");
    throw new UserError("config-syntax", `${path}:${pos.line}:${pos.col}: invalid YAML: ${reason}`, { cause: error });
  }
  try {
    return doc.toJS();
  } catch (cause) {
    // e.g. an alias bomb ("Excessive alias count") or an unresolvable alias.
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new UserError("config-syntax", `${path}: invalid YAML: ${reason}`, { cause });
  }
}

/** 1-based line and column of a character offset. */
function linePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, col: offset - lineStart + 1 };
}

/** The line of the deepest node along `path` (a key's own line when the path ends at a key); best effort. */
function lineOf(text: string, path: ConfigPath): number | undefined {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter });
  } catch {
    return undefined;
  }
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === step);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof step === "number") {
      node = node.items[step];
      offset = rangeStart(node) ?? offset;
      if (node === undefined) break;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  return range?.[0];
}
