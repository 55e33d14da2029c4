import { ObjectId } from "bson";

// MongoDB's cross-type order, for the types the test server meets.
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === "number" || typeof value === "bigint") return 2;
  if (typeof value === "string") return 3;
  if (value instanceof ObjectId) return 7;
  if (typeof value === "boolean") return 8;
  if (value instanceof Date) return 9;
  if (Array.isArray(value)) return 5;
  if (typeof value === "object") return 4;
  return 10;
}

/** Orders two BSON values as MongoDB does (numbers < strings < objects < arrays < ObjectId < booleans < dates). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2:
      return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
    case 3:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 7:
      return (a as ObjectId).toHexString().localeCompare((b as ObjectId).toHexString());
    case 8:
      return Number(a) - Number(b);
    case 9:
      return (a as Date).getTime() - (b as Date).getTime();
    case 5: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 4: {
      const x = Object.entries(a as object);
      const y = Object.entries(b as object);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const [kx, vx] = x[i] as [string, unknown];
        const [ky, vy] = y[i] as [string, unknown];
        if (kx !== ky) return kx < ky ? -1 : 1;
        const c = compareValues(vx, vy);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default:
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}
