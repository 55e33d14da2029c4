#!/usr/bin/env node
import { processIo } from "./process-io.js";
import { runCli } from "./run-cli.js";

// `dashlog tail ... | head` closes the pipe early; that is the reader saying "enough", not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), processIo());
