/**
 * Canonical JSON: the bytes the journal stores and hashes for each event. Objects' keys are written in ascending
 * UTF-16 code-unit order (what `Array.prototype.sort` gives), at every depth; no whitespace; strings, numbers,
 * booleans and null exactly as `JSON.stringify` writes them (numbers in ECMAScript shortest round-trip form, as in
 * RFC 8785); `undefined` members are left out, as JSON does. So the same event gives the same bytes whatever order
 * its fields were created in, and another implementation can reproduce them.
 * Invariant: `JSON.parse(canonicalJson(x))` deep-equals `JSON.parse(JSON.stringify(x))`.
 * Limits: no bigint, no cycles (events have none); non-finite numbers become null, as in JSON.
 */

/**
 * Speed: V8's `JSON.stringify` is fastest on plain objects without a replacer and writes keys in insertion order. So
 * each shape (the set of keys; events of one type share one) gets a function generated once (`new Function`) that
 * copies an object into an object literal with its keys sorted, nested plain objects and arrays copied the same way;
 * `JSON.stringify` of the copy is canonical. Other objects (class instances, too many shapes) go the generic way.
 * Both give the same bytes (the unit test compares them).
 */
type Copier = (object: Record<string, unknown>, copy: (v: unknown) => unknown) => Record<string, unknown>;

interface Shape {
  readonly keys: readonly string[];
  readonly copy: Copier;
}

/** Shapes by the object's `type` field ("" when none); a few per tag at most. */
const shapes = new Map<string, Shape[]>();
const MAX_SHAPES_PER_TAG = 16;
const MAX_TAGS = 256;
const NOT_PLAIN = Symbol("not plain");

function compile(keys: readonly string[]): Copier {
  const members = [...keys].sort().map((k) => {
    const q = JSON.stringify(k);
    return `${q}: typeof o[${q}] === "object" && o[${q}] !== null ? copy(o[${q}]) : o[${q}]`;
  });
  return new Function("o", "copy", `return {${members.join(", ")}};`) as Copier;
}

/** Whether `object` has exactly the shape's keys. Usually they come in the same order: one pass compares them. */
function hasShape(object: Record<string, unknown>, shape: Shape): boolean {
  const keys = shape.keys;
  let i = 0;
  for (const k in object) {
    if (k !== keys[i]) return hasShapeInOtherOrder(object, keys);
    i++;
  }
  return i === keys.length;
}

function hasShapeInOtherOrder(object: Record<string, unknown>, keys: readonly string[]): boolean {
  let n = 0;
  for (const _ in object) n++;
  if (n !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (!Object.hasOwn(object, keys[i] as string)) return false;
  return true;
}

/** A copy with every plain object's keys in sorted order; NOT_PLAIN somewhere inside when it cannot. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      out[i] = typeof item === "object" && item !== null ? sortedCopy(item) : item;
    }
    return out;
  }
  const object = value as Record<string, unknown>;
  if (Object.getPrototypeOf(object) !== Object.prototype) throw NOT_PLAIN;
  const tag = typeof object.type === "string" ? object.type : "";
  let list = shapes.get(tag);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const shape = list[i] as Shape;
      if (hasShape(object, shape)) return shape.copy(object, sortedCopy);
    }
  }
  if (list === undefined) {
    if (shapes.size >= MAX_TAGS) throw NOT_PLAIN;
    list = [];
    shapes.set(tag, list);
  }
  if (list.length >= MAX_SHAPES_PER_TAG) throw NOT_PLAIN;
  const keys = Object.keys(object);
  // An object literal puts integer-like keys first, in numeric order (not the sorted order), and takes "__proto__"
  // as the prototype.
  if (keys.some((k) => k === "__proto__" || /^(0|[1-9]\d*)$/.test(k))) throw NOT_PLAIN;
  const shape: Shape = { keys, copy: compile(keys) };
  list.push(shape);
  return shape.copy(object, sortedCopy);
}

export function canonicalJson(input: unknown): string {
  if (input === null || typeof input !== "object") return JSON.stringify(input) ?? "null";
  try {
    return JSON.stringify(sortedCopy(input));
  } catch (error) {
    if (error === NOT_PLAIN) return generic(input);
    throw error;
  }
}

/** The reference implementation: keys sorted on every call, at every depth. */
export function generic(input: unknown): string {
  if (input === null || typeof input !== "object") return JSON.stringify(input) ?? "null";
  if (typeof (input as { toJSON?: unknown }).toJSON === "function")
    return generic((input as { toJSON(): unknown }).toJSON());
  if (Array.isArray(input)) {
    let out = "[";
    for (let i = 0; i < input.length; i++) {
      if (i > 0) out += ",";
      const item = input[i];
      out += item === undefined || typeof item === "function" || typeof item === "symbol" ? "null" : generic(item);
    }
    return `${out}]`;
  }
  const object = input as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${generic(member)}`;
  }
  return `${out}}`;
}
