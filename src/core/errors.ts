/**
 * The three kinds of failure, kept apart (DESIGN.md §4):
 * - a broken invariant is a bug: throw `InvariantError`;
 * - an expected business outcome (a reject) is data, carried as a `RejectReason` code in an event, never thrown;
 * - an I/O or adapter failure is a `TributaryError` with a stable `code` and an optional `cause`.
 * User mistakes (bad config, bad flag) are `UserError`s: the CLI prints their one-line message and exits non-zero.
 */

export class TributaryError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TributaryError";
    this.code = code;
  }
}

/** A mistake by whoever runs Tributary: a bad file, flag or config value. Its message is one line naming the place. */
export class UserError extends TributaryError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "UserError";
  }
}

/** A bug: state that must never happen. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantError";
  }
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
