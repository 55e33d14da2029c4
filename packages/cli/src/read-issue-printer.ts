import type { ReadIssue } from "@dashlog/core";
import type { CliIo } from "./cli-io.js";
import { safeText } from "./safe-text.js";

/** Reports a line that could not be read as one warning line on stderr; reading goes on. */
export function readIssuePrinter(io: CliIo, stream: string): (issue: ReadIssue) => void {
  return (issue) => {
    io.stderr.write(`dashlog: warning: ${stream} line ${issue.line} skipped (${issue.kind}): ${safeText(issue.message)}\n`);
  };
}
