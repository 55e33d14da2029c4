import { readFileSync } from "node:fs";
import { Experiment, type DashlogIssue, type LogRecord } from "@dashlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { httpSink } from "../examples/http-sink.js";
import { startIngestServer, type IngestServer } from "./ingest-server.js";

let server: IngestServer;

beforeEach(async () => {
  server = await startIngestServer();
});

afterEach(async () => {
  await server.close();
});

const logs = (prefix: string) => (server.records.get(`${prefix} logs`) ?? []) as unknown as LogRecord[];

describe("httpSink (docs/examples/http-sink.ts)", () => {
  it("sends a run's records and its status to the service", async () => {
    const consumers = { chars: (event: { message: string }) => ({ chars: event.message.length }) };
    await new Experiment({ prefix: "alice/http", sink: httpSink({ url: server.url }), consumers }).run((exp) => {
      exp.log("Training started");
      exp.warn("GPU memory low", { free_mb: 512 });
    });
    expect(logs("alice/http").map((r) => [r.sequenceNumber, r.level, r.message, r.metadata])).toEqual([
      [0, "info", "Training started", null],
      [1, "warn", "GPU memory low", { free_mb: 512 }],
    ]);
    expect(server.records.get("alice/http chars")).toEqual([
      { chars: 16, sequenceNumber: 0 },
      { chars: 14, sequenceNumber: 1 },
    ]);
    expect(server.runs.map((r) => ("status" in r ? r.status : "RUNNING"))).toEqual(["RUNNING", "COMPLETED"]);
    expect(server.runs[1]).toMatchObject({ firstSequenceNumber: 0, nextSequenceNumber: 2 });
  });

  it("batches: thousands of log calls become a few requests", async () => {
    await new Experiment({ prefix: "alice/many", sink: httpSink({ url: server.url }) }).run((exp) => {
      for (let i = 0; i < 2500; i++) exp.log(`step ${i}`, { metadata: { i } });
    });
    expect(logs("alice/many").map((r) => r.sequenceNumber)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    const writes = server.requests.filter((path) => path === "/ingest/batches").length;
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThanOrEqual(3); // 2,500 records at batchSize 1,000
  });

  it("continues numbering where the service says the experiment stopped", async () => {
    const experiment = new Experiment({ prefix: "alice/again", sink: httpSink({ url: server.url }) });
    await experiment.run((exp) => {
      exp.log("first run");
    });
    await experiment.run((exp) => {
      exp.log("second run");
    });
    expect(logs("alice/again").map((r) => [r.sequenceNumber, r.message])).toEqual([
      [0, "first run"],
      [1, "second run"],
    ]);
  });

  it("a failing service is reported on issues and the same batch is sent again, stored once", async () => {
    server.failNext("/ingest/batches", 1);
    const issues: DashlogIssue[] = [];
    await new Experiment({ prefix: "alice/retry", sink: httpSink({ url: server.url }), onIssue: (i) => issues.push(i) }).run(async (exp) => {
      exp.log("survives a 503");
      await exp.flush(); // the first POST gets 503: reported, kept queued
      await exp.flush(); // offered again
    });
    expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(/POST http:\/\/127\.0\.0\.1:\d+\/ingest\/batches answered 503/)]);
    expect(logs("alice/retry").map((r) => r.message)).toEqual(["survives a 503"]);
    expect(server.requests.filter((path) => path === "/ingest/batches")).toHaveLength(2);
  });

  it("refuses to start a run when the service does not say where numbering continues", async () => {
    server.failNext("/ingest/runs/open", 1);
    await expect(new Experiment({ prefix: "alice/down", sink: httpSink({ url: server.url }) }).start()).rejects.toThrow(/runs\/open answered 503/);
  });

  it("is the code the guide shows", () => {
    const guide = readFileSync(new URL("../write-your-own-sink.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/http-sink.ts", import.meta.url), "utf8");
    expect(guide).toContain("```ts\n" + example + "```\n");
  });
});
