import type { CliIo, OutputStream } from "./cli-io.js";

/**
 * Colour only where a person reads it: FORCE_COLOR (not "0") forces it on, NO_COLOR (any
 * value) turns it off, otherwise only a TTY that reports colour support gets it. Pipes and
 * files never get escape codes.
 */
export function useColor(stream: OutputStream, env: CliIo["env"]): boolean {
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (stream.isTTY !== true) return false;
  if (env["TERM"] === "dumb") return false;
  return typeof stream.hasColors === "function" ? stream.hasColors() : true;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  inverse: [7, 27],
} as const;

export type Style = keyof typeof CODES;

export type Paint = (text: string, ...styles: Style[]) => string;

/** A painter that wraps text in SGR codes, or returns it unchanged when colour is off. */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (text) => text;
  return (text, ...styles) => {
    let open = "";
    let close = "";
    for (const style of styles) {
      open += `\u001b[${CODES[style][0]}m`;
      close = `\u001b[${CODES[style][1]}m${close}`;
    }
    return `${open}${text}${close}`;
  };
}
