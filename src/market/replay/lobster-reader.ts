/**
 * Adapter: streams a LOBSTER message file or orderbook file from disk as column batches (lobster-format.ts), parsed by
 * lobster-parser.ts. Memory stays at one read chunk plus the batches not yet consumed, whatever the file's size.
 * Bad rows go to `problems` (an error naming file, line and field, or a counted skip when lenient).
 */
import { LineSplitter } from "./byte-lines.js";
import type { LobsterBookRows, LobsterMessages } from "./lobster-format.js";
import { LobsterBookParser, LobsterMessageParser } from "./lobster-parser.js";
import { fileChunks } from "./replay-files.js";
import type { RowProblems } from "./row-problems.js";

export function* readLobsterMessages(path: string, problems: RowProblems): Generator<LobsterMessages> {
  const parser = new LobsterMessageParser(path, problems);
  const lines = new LineSplitter(parser);
  for (const chunk of fileChunks(path)) {
    lines.push(chunk);
    yield* parser.ready.splice(0);
  }
  lines.end();
  yield* parser.ready.splice(0);
  const last = parser.finish();
  if (last !== null) yield last;
}

export function* readLobsterBook(path: string, problems: RowProblems): Generator<LobsterBookRows> {
  const parser = new LobsterBookParser(path, problems);
  const lines = new LineSplitter(parser);
  for (const chunk of fileChunks(path)) {
    lines.push(chunk);
    yield* parser.ready.splice(0);
  }
  lines.end();
  yield* parser.ready.splice(0);
  const last = parser.finish();
  if (last !== null) yield last;
}
