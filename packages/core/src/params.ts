import { InvalidArgumentError, InvalidMetadataError } from "./errors.js";
import { isPlainObject, type JsonObject, type JsonValue } from "./json.js";
import { PARAMS_BATCH, type ParamsRecord } from "./metric-batches.js";
import { IsoTime, storesMetrics, type MetricsContext } from "./metrics-context.js";
import { normalizeMetadata } from "./metadata.js";

export interface ParamsGetOptions {
  /** `true`: `{ model: { lr } }` instead of the stored flat `{ "model.lr": ... }`. Default false. */
  readonly nested?: boolean | undefined;
}

/**
 * Nested plain objects become dotted keys, as ml-dash stores them:
 * `{ model: { lr: 0.1 } }` -> `{ "model.lr": 0.1 }`. Arrays and other values are kept whole.
 */
export function flattenParams(value: JsonObject, into: Record<string, JsonValue> = {}, prefix = ""): Record<string, JsonValue> {
  for (const key of Object.keys(value)) {
    const item = value[key] as JsonValue;
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isPlainObject(item) && Object.keys(item).length > 0) flattenParams(item as JsonObject, into, path);
    else defineKey(into, path, item);
  }
  return into;
}

/**
 * Dotted keys back into nested objects. When a key is both a value and a parent
 * (`a` and `a.b`), the value wins and the deeper key stays flat under its full name, so
 * nothing is silently lost.
 */
export function unflattenParams(flat: Readonly<Record<string, JsonValue>>): JsonObject {
  const result: JsonObject = {};
  for (const key of Object.keys(flat)) {
    const parts = key.split(".");
    let node: JsonObject = result;
    let placed = true;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (next === undefined) {
        const child: JsonObject = {};
        defineKey(node, part, child);
        node = child;
      } else if (isPlainObject(next)) {
        node = next as JsonObject;
      } else {
        placed = false;
        break;
      }
    }
    const last = parts[parts.length - 1] as string;
    if (placed && !(Object.hasOwn(node, last) && isPlainObject(node[last]))) defineKey(node, last, flat[key] as JsonValue);
    else defineKey(result, key, flat[key] as JsonValue);
  }
  return result;
}

/** A `__proto__` key stays data: assignment would set the prototype instead. */
function defineKey(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * `exp.params`: the experiment's hyperparameters. `set` merges (nested objects become
 * dotted keys) and queues the change for the sink without waiting; `get` answers from
 * memory, seeded with what the sink already had when the run opened.
 */
export class RunParams {
  readonly #context: MetricsContext;
  readonly #values: Record<string, JsonValue> = {};
  readonly #time = new IsoTime();
  readonly #warned = { warned: false };
  #next: number;

  constructor(context: MetricsContext) {
    this.#context = context;
    this.#next = context.opened?.nextParamsIndex ?? 0;
    for (const [key, value] of Object.entries(context.opened?.params ?? {})) defineKey(this.#values, key, value);
  }

  /**
   * Merges `values` into the parameters: `set({ lr: 0.001, model: { name: "resnet" } })`
   * stores `lr` and `model.name`. Values must be JSON (as metadata: a typed
   * InvalidMetadataError names the path of the first that is not). Returns `this`.
   */
  set(values: Readonly<Record<string, unknown>>): this {
    if (!this.#context.isRunning("params.set()")) return this;
    if (!isPlainObject(values)) throw new InvalidArgumentError("params.set() values", values, "must be a plain object like { lr: 0.001 }");
    const normalized = normalizeMetadata(values, "params") as JsonObject;
    const flat = flattenParams(normalized);
    const keys = Object.keys(flat);
    if (keys.length === 0) return this;
    for (const key of keys) {
      if (key === "" || key.startsWith(".") || key.endsWith(".") || key.includes("..")) {
        throw new InvalidMetadataError(`params.${key}`, flat[key], "has an empty key segment; parameter names are dotted paths like \"model.lr\"");
      }
    }
    for (const key of keys) defineKey(this.#values, key, flat[key] as JsonValue);
    if (!storesMetrics(this.#context, this.#warned)) return this;
    const now = this.#context.clock.now();
    const record: ParamsRecord = { sequenceNumber: this.#next++, data: flat, updatedAt: this.#time.of(now) };
    this.#context.enqueue(PARAMS_BATCH, { sequenceNumber: record.sequenceNumber, timestamp: now, value: record });
    return this;
  }

  /** The parameters: flat dotted keys (a copy), or nested with `{ nested: true }`. */
  get(options: ParamsGetOptions = {}): JsonObject {
    // A deep copy: the caller may change what it gets without changing what is stored.
    const copy = structuredClone(this.#values) as JsonObject;
    return options.nested === true ? unflattenParams(copy) : copy;
  }
}
