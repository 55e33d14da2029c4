import { publint } from "publint";
import { formatMessage } from "publint/utils";
import type { Finding } from "./finding.js";

/** publint on the packed tarball, warnings and errors (its suggestions are advice, not defects). */
export async function runPublint(name: string, tarball: Uint8Array): Promise<Finding[]> {
  const copy = new Uint8Array(tarball);
  // Without pkgDir, publint lints the tarball's own root folder: exactly what npm would get.
  const { messages, pkg } = await publint({ pack: { tarball: copy.buffer }, level: "warning", strict: false });
  return messages.map((message) => ({
    package: name,
    check: `publint:${message.code}`,
    message: `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`,
  }));
}
