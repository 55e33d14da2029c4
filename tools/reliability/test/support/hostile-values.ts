import fc from "fast-check";

/** Strings that break naive serialisers: controls, lone surrogates, separators, quotes, BOM. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  // Any UTF-16 code unit, so lone (and reversed) surrogates and every control character.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 24 }),
  fc.constantFrom("", "\u0000", "\n", "\r", "\r\n", "\u2028\u2029", "\ud800", "\udfff", "\udc00\ud800", "\ufeff", "💥", "\\", '"', "\u001b[31m", '{"a":1}\n{', "\x7f\x80\xff"),
);

/** Object keys that have a meaning somewhere: prototypes, array indices, paths, dashlog's own fields. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "toJSON", "0", "1", "-1", "1e3", "4294967295", "a.b", "a[0]", "sequenceNumber", "metadata", "then"),
);

function unstorable(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.bigInt(),
    fc.constant(null).map(() => Symbol("not storable")),
    fc.constant(null).map(() => function notStorable() {}),
    fc.constant(null).map(() => new Map([["k", 1]])),
    fc.constant(null).map(() => new Set([1])),
    fc.constant(null).map(() => new WeakMap()),
    fc.constant(null).map(() => new DataView(new ArrayBuffer(4))),
    fc.bigInt64Array({ minLength: 1, maxLength: 3 }),
  );
}

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 6 },
  { arbitrary: fc.double(), weight: 3 },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2), weight: 2 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constantFrom(null, undefined), weight: 2 },
  // Invalid dates included: their toJSON() gives null.
  { arbitrary: fc.date({ noInvalidDate: false }), weight: 2 },
  { arbitrary: unstorable(), weight: 1 },
);

/** A plain object with these entries, each defined (so a `__proto__` key is an own key, as JSON.parse makes it). */
export function objectOf(entries: readonly (readonly [string, unknown])[], proto: object | null = Object.prototype): Record<string, unknown> {
  const out = Object.create(proto) as Record<string, unknown>;
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

class Point {
  constructor(
    readonly x: unknown,
    readonly y: unknown,
  ) {}
}

const tree = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[]; special: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small", maxDepth: 6 }, leaf, tie("object"), tie("array"), tie("special")),
  object: fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 5 }).map((entries) => objectOf(entries)),
  array: fc.oneof(
    fc.array(tie("value"), { maxLength: 5 }),
    // Holes read as undefined, which an array stores as null.
    fc.array(tie("value"), { maxLength: 3 }).map((items) => {
      const sparse: unknown[] = [];
      sparse.length = items.length * 2;
      items.forEach((item, i) => {
        sparse[i * 2] = item;
      });
      return sparse;
    }),
  ),
  special: fc.oneof(
    fc.float32Array({ maxLength: 4 }),
    fc.float64Array({ maxLength: 4 }),
    fc.int8Array({ maxLength: 4 }),
    fc.uint8ClampedArray({ maxLength: 4 }),
    fc.tuple(hostileString, fc.option(tie("value"), { nil: undefined })).map(([message, cause]) =>
      cause === undefined ? new Error(message) : new TypeError(message, { cause }),
    ),
    fc.tuple(tie("value"), tie("value")).map(([x, y]) => new Point(x, y)),
    fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 3 }).map((entries) => objectOf(entries, null)),
    tie("value").map((replacement) => ({ toJSON: () => replacement })),
  ),
}));

/**
 * Gives the tree shared and circular references: a plain container gets an extra entry pointing
 * at one of its ancestors (circular: must be refused) or at a node elsewhere (shared, not
 * circular: stored twice). Works on a copy, because fast-check reuses generated values while
 * shrinking.
 */
function withLinks(root: unknown, kind: "none" | "circular" | "shared", pick: number, target: number): unknown {
  const copy = copyTree(root);
  if (kind === "none") return copy;
  const nodes: { node: object; ancestors: object[] }[] = [];
  const visit = (value: unknown, ancestors: object[]): void => {
    if (!isPlainContainer(value)) return;
    nodes.push({ node: value, ancestors });
    for (const child of Object.values(value)) visit(child, [...ancestors, value]);
  };
  visit(copy, []);
  const chosen = nodes[pick % Math.max(1, nodes.length)];
  if (chosen === undefined) return copy;
  let linked: object | undefined;
  if (kind === "circular") {
    const chain = [...chosen.ancestors, chosen.node];
    linked = chain[target % chain.length];
  } else {
    const others = nodes.filter((n) => n.node !== chosen.node && !chosen.ancestors.includes(n.node));
    linked = others[target % Math.max(1, others.length)]?.node;
  }
  if (linked === undefined) return copy;
  if (Array.isArray(chosen.node)) chosen.node.push(linked);
  else Object.defineProperty(chosen.node, "link", { value: linked, enumerable: true, writable: true, configurable: true });
  return copy;
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

function copyTree(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    out.length = value.length;
    value.forEach((item, i) => {
      out[i] = copyTree(item);
    });
    return out;
  }
  if (!isPlainContainer(value)) return value;
  const object = value as Record<string, unknown>;
  return objectOf(
    Object.keys(object).map((key) => [key, copyTree(object[key])] as const),
    Object.getPrototypeOf(value) as object | null,
  );
}

/** A metadata chain `depth` objects/arrays deep, around the 64-level limit, ending in `leaf`. */
const deepMetadata: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 58, max: 70 }), fc.array(fc.boolean(), { minLength: 70, maxLength: 70 }), fc.constantFrom<unknown>(1, "s", null, new Date(0), {}, []))
  .map(([depth, arrays, end]) => {
    let value: unknown = end instanceof Date ? new Date(end.getTime()) : Array.isArray(end) ? [] : typeof end === "object" && end !== null ? {} : end;
    for (let level = depth - 1; level >= 1; level--) value = arrays[level] ? [value] : { d: value };
    return { d: value };
  });

/** Something a caller might pass as `metadata`: mostly objects, sometimes not an object at all. */
export const hostileMetadata: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.tuple(tree.object, fc.constantFrom("none", "none", "circular", "shared") as fc.Arbitrary<"none" | "circular" | "shared">, fc.nat(), fc.nat()).map(([root, kind, pick, target]) => withLinks(root, kind, pick, target)), weight: 12 },
  { arbitrary: tree.special, weight: 2 },
  { arbitrary: deepMetadata, weight: 2 },
  { arbitrary: tree.value, weight: 1 },
  { arbitrary: fc.constantFrom(undefined, null), weight: 1 },
);
