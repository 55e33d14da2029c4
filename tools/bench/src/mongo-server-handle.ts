import { SERVER_READY } from "./child-markers.js";
import { startCase } from "./spawn-case.js";

export interface MongoTarget {
  readonly uri: string;
  /** What the report says about the server. */
  readonly description: string;
  stop(): Promise<void>;
}

/** `MONGODB_URI` when set (a real server), otherwise the repository's wire-protocol test server in a child process. */
export async function startMongoTarget(): Promise<MongoTarget> {
  const real = process.env["MONGODB_URI"];
  if (real !== undefined && real !== "") {
    return { uri: real, description: "a real MongoDB (MONGODB_URI)", stop: () => Promise.resolve() };
  }
  let announce: (uri: string) => void = () => undefined;
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const { child, result } = startCase<unknown>("mongo-server", {}, {
    onLine: (line) => {
      if (line.startsWith(SERVER_READY)) announce(line.slice(SERVER_READY.length));
    },
  });
  const exited = result.catch(() => undefined);
  const uri = await Promise.race([announced, exited.then(() => Promise.reject(new Error("the MongoDB test server exited before it was ready")))]);
  return {
    uri,
    description: "the repository's MongoDB wire-protocol test server (@dashlog/mongo-test-server, in-memory, its own process)",
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}
