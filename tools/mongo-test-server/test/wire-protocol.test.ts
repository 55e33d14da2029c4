import { connect } from "node:net";
import { BSON } from "bson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoTestServer } from "../src/index.js";
import { OP_QUERY, OP_REPLY, readHeader } from "../src/wire-protocol.js";

let server: MongoTestServer;
beforeAll(async () => {
  server = await MongoTestServer.start();
});
afterAll(async () => {
  await server.close();
});

function opQuery(requestId: number, collection: string, query: object): Buffer {
  const name = Buffer.from(`${collection}\0`, "utf8");
  const body = BSON.serialize(query);
  const out = Buffer.alloc(16 + 4 + name.length + 8 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(0, 8);
  out.writeInt32LE(OP_QUERY, 12);
  out.writeInt32LE(0, 16);
  name.copy(out, 20);
  out.writeInt32LE(0, 20 + name.length);
  out.writeInt32LE(-1, 24 + name.length);
  out.set(body, 28 + name.length);
  return out;
}

describe("wire protocol", () => {
  it("answers the legacy OP_QUERY isMaster handshake with an OP_REPLY", async () => {
    const socket = connect(server.port, server.host);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      let buffered = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) resolve(buffered);
      });
      socket.on("error", reject);
      socket.write(opQuery(42, "admin.$cmd", { isMaster: 1, helloOk: true }));
    });
    socket.destroy();
    const header = readHeader(reply);
    expect(header.opCode).toBe(OP_REPLY);
    expect(header.responseTo).toBe(42);
    expect(reply.readInt32LE(32)).toBe(1);
    const document = BSON.deserialize(reply.subarray(36));
    expect(document).toMatchObject({ ok: 1, ismaster: true, helloOk: true, maxBsonObjectSize: 16 * 1024 * 1024 });
  });

  it("closes a connection that sends a corrupt length", async () => {
    const socket = connect(server.port, server.host);
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => undefined);
    const bad = Buffer.alloc(16);
    bad.writeInt32LE(3, 0);
    socket.write(bad);
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
