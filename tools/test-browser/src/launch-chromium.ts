import { existsSync } from "node:fs";
import sparticuzChromium from "@sparticuz/chromium";
import { chromium, type Browser } from "playwright-core";

/**
 * Flags for a headless Chromium on a machine without a display or network: no GPU, no
 * sandbox (tests run as root in CI), and none of the background connections a closed
 * network refuses many at a time.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where the browser comes from: a developer's own build (`CHROMIUM_PATH`), else the npm package's. */
export async function chromiumExecutable(): Promise<string> {
  const chosen = process.env["CHROMIUM_PATH"];
  if (chosen !== undefined && chosen !== "") {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH=${chosen}: no such file; unset it to use the Chromium from @sparticuz/chromium`);
    return chosen;
  }
  // Unpacks the brotli-compressed build shipped inside the tarball into the temporary folder
  // (once per machine): no download, so it works where browser downloads are blocked.
  return sparticuzChromium.executablePath();
}

/** Launches headless Chromium, or fails loudly: a browser test that silently skips proves nothing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
}
