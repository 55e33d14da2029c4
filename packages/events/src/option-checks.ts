import { InvalidArgumentError } from "@dashlog/core";

// Options are checked once, when a consumer or aggregator is built, so the per-event path
// never validates anything.

/** The options object itself: absent, or a plain object. */
export function checkOptions<T extends object>(owner: string, options: T | undefined): T | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${owner} options`, options, "must be an object (or omitted)");
  }
  return options;
}

/** A duration in milliseconds: finite and >= 0. */
export function checkMilliseconds(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(field, value, "must be a finite number of milliseconds >= 0");
  }
  return value;
}

/** A count limit: a positive integer, or Infinity for "no limit". */
export function checkLimit(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value === Number.POSITIVE_INFINITY || (typeof value === "number" && Number.isInteger(value) && value > 0))) {
    throw new InvalidArgumentError(field, value, "must be a positive integer or Infinity");
  }
  return value;
}

export function checkBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new InvalidArgumentError(field, value, "must be true or false");
  return value;
}

export function checkFunction<F extends (...args: never[]) => unknown>(field: string, value: F | undefined, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== "function") throw new InvalidArgumentError(field, value, "must be a function");
  return value;
}

/** One handler or a list of them, as a list. */
export function checkHandlers<F extends (...args: never[]) => unknown>(field: string, value: F | readonly F[] | undefined): readonly F[] {
  if (value === undefined) return [];
  const list = typeof value === "function" ? [value] : value;
  if (!Array.isArray(list)) throw new InvalidArgumentError(field, value, "must be a function or an array of functions");
  list.forEach((handler: unknown, index: number) => {
    if (typeof handler !== "function") throw new InvalidArgumentError(`${field}[${index}]`, handler, "must be a function");
  });
  return list as readonly F[];
}
