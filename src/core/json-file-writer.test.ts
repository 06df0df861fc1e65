import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { JsonFileWriter } from "./json-file-writer.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-json-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function written(value: unknown, depth: number): { text: string; bytes: number } {
  const path = join(dir, "value.json");
  const fd = openSync(path, "w");
  const writer = new JsonFileWriter(fd);
  try {
    writer.write(value, depth);
  } finally {
    closeSync(fd);
  }
  return { text: readFileSync(path, "utf8"), bytes: writer.bytes };
}

it("writes the bytes JSON.stringify gives, at any depth, undefined members included", () => {
  const member = fc.oneof(fc.jsonValue(), fc.constant(undefined));
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      member,
      fc.array(tie("node"), { maxLength: 6 }),
      fc.dictionary(fc.string({ unit: "grapheme" }), tie("node"), { maxKeys: 5 }),
    ),
  })).node;
  fc.assert(
    fc.property(value, fc.integer({ min: 0, max: 5 }), (v, depth) => {
      const { text, bytes } = written(v, depth);
      const expected = JSON.stringify(v) ?? "null";
      expect(text).toBe(expected);
      expect(bytes).toBe(Buffer.byteLength(expected));
    }),
    { numRuns: 300 },
  );
});

it("writes a value larger than one chunk in several writes, whole, long arrays walked below the depth", () => {
  const orders = Array.from({ length: 30_000 }, (_, i) => ({ orderId: i, clOrdId: `é-${i}`, tags: { k: "v" } }));
  const ids = { A: Array.from({ length: 20_000 }, (_, i) => [`id-${i}`, i, undefined]), B: [] };
  const value = { format: "x", kernel: { orders, ids }, none: undefined };
  const { text, bytes } = written(value, 3);
  expect(text).toBe(JSON.stringify(value));
  expect(bytes).toBeGreaterThan(1 << 20);
  expect(bytes).toBe(Buffer.byteLength(text));
});
