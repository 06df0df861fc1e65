/**
 * What happens to a bad row of a recorded file. Strict (the default): the first one stops the replay with a
 * `UserError` whose one-line message names the file, the line and the field, e.g.
 * `AMZN_message_1.csv:1042: price: expected a whole number, got "22.5"`. Lenient (`--lenient`): the row is skipped and
 * counted, and the first few problems are kept for the report. Either way, never a crash or a silent guess.
 */
import { UserError } from "../../core/errors.js";

export interface RowProblem {
  readonly file: string;
  /** 1-based line number in the (decompressed) file. */
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

/** How many skipped rows a lenient report shows in full. */
export const SHOWN_PROBLEMS = 10;

export function describeProblem(problem: RowProblem): string {
  return `${problem.file}:${problem.line}: ${problem.field}: ${problem.message}`;
}

export class RowProblems {
  /** Rows skipped (lenient only). */
  skipped = 0;
  /** The first `SHOWN_PROBLEMS` problems skipped. */
  readonly first: RowProblem[] = [];

  constructor(readonly lenient: boolean) {}

  /** A bad row: throws `UserError` (code `replay-bad-row`) unless lenient, where it is counted and the row skipped. */
  report(file: string, line: number, field: string, message: string): void {
    const problem = { file, line, field, message };
    if (!this.lenient) throw new UserError("replay-bad-row", describeProblem(problem));
    this.skipped++;
    if (this.first.length < SHOWN_PROBLEMS) this.first.push(problem);
  }
}
