/**
 * Adapter: reads an intraday volume profile CSV (the shared ../shared/data/derived/intraday_volume_profile_5min.csv
 * format) into a `VolumeProfile`. The file is real market data: it is read in place, never copied into the project.
 *
 * Format: a header `bin_start_et,<series>,...`, then one row per bin with its start time (HH:MM, consecutive, evenly
 * spaced) and each series' share of the session's volume. `series` picks one column by name; "mean" (the default)
 * averages every series, which smooths single-stock noise while keeping the U-shape.
 * Every user mistake is a `UserError` naming the file, the line and the problem, on one line.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../core/errors.js";
import { VolumeProfile } from "../market/volume-profile.js";

export const MEAN_SERIES = "mean";

/** Reads and parses the profile at `path`; throws a one-line `UserError` on any problem. */
export function loadVolumeProfile(path: string, series: string = MEAN_SERIES): VolumeProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : `cannot be read (${code ?? String(error)})`;
    throw new UserError(
      code === "ENOENT" ? "profile-not-found" : "profile-unreadable",
      `${path}: ${why} (the intraday volume profile; pass --volume-profile FILE)`,
      { cause: error },
    );
  }
  return parseVolumeProfileCsv(text, path, series);
}

/** Parses profile CSV `text`; `label` names its source in messages. */
export function parseVolumeProfileCsv(text: string, label: string, series: string = MEAN_SERIES): VolumeProfile {
  const fail = (line: number, message: string): never => {
    throw new UserError("profile-invalid", `${label}:${line}: ${message}`);
  };
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((cell) => cell.trim());
  if (header.length < 2 || header[0] !== "bin_start_et") {
    fail(1, `expected a header "bin_start_et,<series>,...", got ${JSON.stringify(lines[0] ?? "")}`);
  }
  const names = header.slice(1);
  const column = series === MEAN_SERIES ? -1 : names.indexOf(series);
  if (column < 0 && series !== MEAN_SERIES) {
    fail(1, `no series ${JSON.stringify(series)} (the series are: ${MEAN_SERIES}, ${names.join(", ")})`);
  }

  const weights: number[] = [];
  const starts: number[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === "") return;
    const lineNo = i + 2;
    const cells = line.split(",").map((cell) => cell.trim());
    if (cells.length !== header.length) fail(lineNo, `expected ${header.length} columns, got ${cells.length}`);
    const time = /^(\d{2}):(\d{2})$/.exec(cells[0] as string);
    if (time === null) fail(lineNo, `expected a bin start like "09:30", got ${JSON.stringify(cells[0])}`);
    starts.push(Number(time?.[1]) * 60 + Number(time?.[2]));
    const values = cells.slice(1).map((cell, c) => {
      const value = Number(cell);
      if (cell === "" || !Number.isFinite(value) || value < 0) {
        fail(lineNo, `${names[c]}: expected a share >= 0, got ${JSON.stringify(cell)}`);
      }
      return value;
    });
    weights.push(column < 0 ? values.reduce((sum, v) => sum + v, 0) / values.length : (values[column] as number));
  });
  if (weights.length === 0) fail(2, "no bins");
  const step = (starts[1] ?? (starts[0] as number) + 5) - (starts[0] as number);
  starts.forEach((start, i) => {
    if (step <= 0 || start !== (starts[0] as number) + i * step) {
      fail(i + 2, `bins must be consecutive and evenly spaced (${step} minutes from ${starts[0]} min)`);
    }
  });
  if (!(weights.reduce((sum, w) => sum + w, 0) > 0)) fail(2, "every share is zero");
  const name = label.split(/[\\/]/).pop() ?? label;
  return new VolumeProfile(step * 60, weights, `${name}: ${series}`);
}
