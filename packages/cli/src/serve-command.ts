import { spawn } from "node:child_process";
import { writeOut, type CliIo } from "./cli-io.js";
import { countOption, stringOption, type CommandSpec, type ParsedCommand } from "./command-spec.js";
import { isLoopbackHost, newAccessToken } from "./dashboard/access-token.js";
import { startDashboardServer } from "./dashboard/dashboard-server.js";
import { MONGO_OPTION } from "./mongo-option.js";
import { ROOT_OPTION, openStore } from "./store-options.js";
import { UsageError } from "./usage-error.js";

export const DEFAULT_PORT = 4173;
const DEFAULT_HOST = "127.0.0.1";

export const serveSpec: CommandSpec = {
  name: "serve",
  summary: "A live dashboard in the browser: every experiment, each run's logs, charts and span timeline, updated as records arrive.",
  positionals: [],
  options: {
    root: ROOT_OPTION,
    mongo: MONGO_OPTION,
    port: { type: "string", short: "p", value: "N", description: `port to listen on (default: ${DEFAULT_PORT}; 0 picks a free one)` },
    host: { type: "string", value: "H", description: `address to listen on (default: ${DEFAULT_HOST}); any other needs the access token printed in the URL` },
    open: { type: "boolean", description: "open the page in the default browser" },
  },
  details: [
    "Read-only. The page is the one `dashlog report` writes, fed live: a new record shows within a second.",
    "The server pages and downsamples, so a run of millions of records opens as fast as a small one.",
    "On 127.0.0.1 (the default) only this machine can connect. With --host 0.0.0.0 (or any other address)",
    "every request must carry a random access token, which is in the printed URL. Stop with Ctrl-C.",
  ],
  examples: ["dashlog serve", "dashlog serve --root runs/.dash --port 8080 --open", "dashlog serve --mongo mongodb://localhost:27017/dashlog", "dashlog serve --host 0.0.0.0"],
};

export async function serveCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const port = countOption(parsed, "port", DEFAULT_PORT, "serve");
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`, "serve");
  const host = stringOption(parsed, "host") ?? DEFAULT_HOST;
  if (host === "") throw new UsageError("--host must not be empty", "serve");
  const token = isLoopbackHost(host) ? null : newAccessToken();
  const store = await openStore(parsed, io, "serve");
  try {
    const server = await startDashboardServer({ store, host, port, token });
    await writeOut(io.stdout, `dashlog: serving ${store.location} at ${server.url}\n`);
    if (token !== null) io.stderr.write("dashlog: listening beyond this machine; the page and every request need the token in that URL\n");
    if (parsed.values["open"] === true) openBrowser(server.url.replace("0.0.0.0", "127.0.0.1"), io);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await server.close();
    return 0;
  } finally {
    await store.close();
  }
}

/** Best effort: a machine without a desktop just keeps the printed URL. */
function openBrowser(url: string, io: CliIo): void {
  const [command, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  const child = spawn(command, args as string[], { stdio: "ignore", detached: true });
  child.on("error", () => io.stderr.write(`dashlog: could not open a browser (${command}); open ${url} yourself\n`));
  child.unref();
}
