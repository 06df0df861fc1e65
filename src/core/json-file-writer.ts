/**
 * Writes a large JSON value to a file descriptor in pieces, with the bytes `JSON.stringify` would give: the outer
 * arrays and objects (down to `depth`) and every long array (more than `LONG_ARRAY` entries, at any depth) are walked
 * here and each member not walked is stringified on its own, so the whole text never exists at once (a snapshot of
 * 480,000 orders is a 260 MB string, and its UTF-8 copy as much again, when written in one piece). Pieces are gathered
 * into chunks of about `CHUNK_CHARS` before each write.
 * Plain data only (what JSON.parse gives back): no toJSON, no cycles; `undefined` members are left out of objects and
 * written as null in arrays, as JSON.stringify does.
 */
import { writeSync } from "node:fs";

const CHUNK_CHARS = 1 << 20;
const LONG_ARRAY = 256;

export class JsonFileWriter {
  private parts: string[] = [];
  private chars = 0;
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly fd: number) {}

  /** Writes `value`, walking its arrays and objects `depth` levels down. */
  write(value: unknown, depth: number): void {
    this.value(value, depth);
    this.flush();
  }

  private value(value: unknown, depth: number): void {
    const walk = depth > 0 || (Array.isArray(value) && value.length > LONG_ARRAY);
    if (!walk || value === null || typeof value !== "object") {
      this.push(JSON.stringify(value) ?? "null");
      return;
    }
    if (Array.isArray(value)) {
      this.push("[");
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.push(",");
        this.value(value[i], depth - 1);
      }
      this.push("]");
      return;
    }
    this.push("{");
    let first = true;
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
      this.push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
      first = false;
      this.value(member, depth - 1);
    }
    this.push("}");
  }

  private push(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
    if (this.chars >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    this.bytes += writeSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.chars = 0;
  }
}
