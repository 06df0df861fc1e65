/**
 * Adapter: the file access every replay reader shares. Opens a recorded file and reads it in chunks (plain, or gunzipped
 * as a stream), turning what a user can get wrong (no such file, a directory, no permission, a corrupt gzip) into a
 * one-line `UserError` naming the file. Reading is synchronous for plain files (a replay is one long loop that has
 * nothing else to wait for) and asynchronous for gzip, which node:zlib only streams asynchronously.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { UserError } from "../../core/errors.js";

/** Bytes read per chunk: large enough that per-chunk costs vanish, small enough to stream any file. */
export const CHUNK_BYTES = 1 << 20;

/** Opens `path` for reading, or throws a one-line `UserError`. */
export function openRecordedFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw fileError(path, error);
  }
  // A directory opens on Linux; reading it is what fails, later and less clearly.
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw fileError(path, Object.assign(new Error(`EISDIR: ${path}`), { code: "EISDIR" }));
  }
  return fd;
}

/** The chunks of a plain file, read synchronously into one reused buffer (valid until the next chunk). */
export function* fileChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<Uint8Array> {
  const fd = openRecordedFile(path);
  const buffer = new Uint8Array(chunkBytes);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, chunkBytes, null);
      } catch (error) {
        throw fileError(path, error);
      }
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The decompressed chunks of a gzip file, streamed. */
export async function* gzipChunks(path: string): AsyncGenerator<Uint8Array> {
  closeSync(openRecordedFile(path)); // a missing file fails here, with the same message as a plain file
  const file = createReadStream(path);
  const stream = file.pipe(createGunzip({ chunkSize: 1 << 16 }));
  // pipe() does not forward the file's own errors: hand them to the stream being read, so they reach the catch.
  file.once("error", (error) => stream.destroy(error));
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("Z_")) {
      throw new UserError("replay-bad-gzip", `${path}: not a valid gzip file (${(error as Error).message})`, {
        cause: error,
      });
    }
    throw fileError(path, error);
  }
}

function fileError(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new UserError("replay-file-not-found", `${path}: no such file`, { cause: error });
  const why =
    code === "EISDIR"
      ? "is a directory, not a file"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : `cannot be read (${code ?? String(error)})`;
  return new UserError("replay-file-unreadable", `${path}: ${why}`, { cause: error });
}
