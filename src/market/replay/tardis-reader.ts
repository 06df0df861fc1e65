/**
 * Adapter: replays one Tardis.dev CSV file (or a Binance depth CSV) from disk with `TardisReplay`; a `.gz` file is
 * streamed through node:zlib, as Tardis serves its datasets gzipped.
 */
import { LineSplitter } from "./byte-lines.js";
import { fileChunks, gzipChunks } from "./replay-files.js";
import type { RowProblems } from "./row-problems.js";
import { TardisReplay, type TardisReport } from "./tardis-replay.js";

export async function replayTardisFile(path: string, problems: RowProblems): Promise<TardisReport> {
  const replay = new TardisReplay(path, problems);
  const lines = new LineSplitter(replay);
  const chunks = path.endsWith(".gz") ? gzipChunks(path) : fileChunks(path);
  for await (const chunk of chunks) lines.push(chunk);
  lines.end();
  return replay.finish();
}
