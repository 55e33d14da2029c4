const MAX_SHOWN = 80;

/** A short, safe rendering of any value for error messages (never throws, never huge). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string": {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
      return JSON.stringify(shown);
    }
    case "bigint":
      return `${value}n`;
    case "function":
      return `[Function${value.name ? ` ${value.name}` : ""}]`;
    case "symbol":
      return value.toString();
    case "undefined":
      return "undefined";
    case "number":
    case "boolean":
      return String(value);
    default:
      break;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return `[Array(${value.length})]`;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === "Object" ? "[object]" : `[${tag}]`;
}
