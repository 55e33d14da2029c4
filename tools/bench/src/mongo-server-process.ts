import { MongoTestServer } from "@dashlog/mongo-test-server";
import { SERVER_READY } from "./child-markers.js";

/**
 * Runs the repository's MongoDB wire-protocol test server in this process until stdin
 * closes, so the clients being measured do not share its event loop or heap.
 */
export async function serveMongo(): Promise<void> {
  const server = await MongoTestServer.start();
  process.stdout.write(`${SERVER_READY}${server.uri}\n`);
  await new Promise<void>((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });
  await server.close();
}
