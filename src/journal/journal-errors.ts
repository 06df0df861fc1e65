/**
 * The journal's failures, each with a stable code. Opening a store someone named (a file, a URL) that is missing,
 * foreign, corrupt, too new or unreachable is a `UserError`: the CLI prints its one line and exits 2. A failed write
 * is a `TributaryError` ("journal-write-failed"): the journal keeps the batch and retries.
 */
import { UserError } from "../core/errors.js";

export type JournalOpenCode =
  | "journal-not-found"
  | "journal-not-sqlite"
  | "journal-corrupt"
  | "journal-foreign"
  | "journal-schema-newer"
  | "journal-pg-unreachable"
  | "journal-pg-error"
  | "journal-not-empty"
  | "journal-read-only";

export class JournalOpenError extends UserError {
  constructor(code: JournalOpenCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "JournalOpenError";
  }
}
