import type { Server, Socket } from "node:net";
import { Long, type Document } from "bson";
import { CommandError } from "./command-error.js";
import type { FaultAction, FaultHandle, FaultRule } from "./fault-rule.js";
import { MemoryStore } from "./memory-store.js";
import { commandName, runCommand, type CommandContext } from "./run-command.js";
import { closeTcp, listenTcp } from "./tcp-listener.js";
import { MAX_MESSAGE_BYTES, decodeRequest, encodeLegacyReply, encodeMsgReply, type WireRequest } from "./wire-protocol.js";

export interface MongoTestServerOptions {
  /** Default 127.0.0.1: tests never listen beyond the machine. */
  readonly host?: string;
  /** Default 0: a free port, kept across stop/restart. */
  readonly port?: number;
  /** Version reported by hello and buildInfo. Default 7.0.0. */
  readonly version?: string;
  /** Pose as the primary of a one-member replica set of this name, so change streams work. Default: a standalone server, which refuses them (40573) as mongod does. */
  readonly replicaSet?: string;
}

const HANDSHAKE = new Set(["hello", "ismaster", "isMaster"]);

interface ActiveRule {
  readonly rule: FaultRule;
  matched: number;
  hits: number;
  removed: boolean;
  readonly waiters: Set<() => void>;
}

/**
 * An in-memory MongoDB for tests: real TCP, real BSON, OP_MSG and the legacy OP_QUERY
 * handshake, enough commands for the official driver's CRUD, cursors and indexes, and
 * faults the test controls. Data survives `stop()`/`restart()` like a server's disk.
 */
export class MongoTestServer {
  readonly host: string;
  readonly version: string;
  readonly replicaSet: string | undefined;
  readonly store = new MemoryStore();
  readonly #sockets = new Set<Socket>();
  readonly #rules = new Set<ActiveRule>();
  readonly #commandCounts = new Map<string, number>();
  #server: Server | null = null;
  #port: number;
  #nextConnectionId = 1;
  #nextRequestId = 1;

  private constructor(options: MongoTestServerOptions) {
    this.host = options.host ?? "127.0.0.1";
    this.#port = options.port ?? 0;
    this.version = options.version ?? "7.0.0";
    this.replicaSet = options.replicaSet;
  }

  static async start(options: MongoTestServerOptions = {}): Promise<MongoTestServer> {
    const server = new MongoTestServer(options);
    await server.restart();
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  /** A connection string for this server; `directConnection` skips replica-set discovery. */
  get uri(): string {
    return `mongodb://${this.host}:${this.#port}/?directConnection=true`;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** How many times each command was received. */
  commandCount(name: string): number {
    return this.#commandCounts.get(name) ?? 0;
  }

  /** The stored documents of one collection (live; do not modify). */
  documents(db: string, collection: string): readonly Document[] {
    return this.store.collection(db, collection, false)?.documents ?? [];
  }

  /** Adds a fault; it applies to commands received from now on. */
  inject(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, matched: 0, hits: 0, removed: false, waiters: new Set() };
    this.#rules.add(active);
    return {
      get hits() {
        return active.hits;
      },
      get matched() {
        return active.matched;
      },
      remove: () => this.#removeRule(active),
    };
  }

  clearFaults(): void {
    for (const rule of [...this.#rules]) this.#removeRule(rule);
  }

  releaseStalls(): void {
    for (const rule of this.#rules) {
      for (const wake of rule.waiters) wake();
      rule.waiters.clear();
    }
  }

  /** Closes every client connection now; returns how many. */
  dropConnections(): number {
    const n = this.#sockets.size;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    return n;
  }

  /** Stops listening and drops every connection; the data is kept for `restart()`. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.dropConnections();
    this.store.closeAllCursors();
    if (server !== null) await closeTcp(server);
  }

  /** Listens again, on the same port as before. */
  async restart(): Promise<void> {
    if (this.#server !== null) return;
    const { server, port } = await listenTcp(this.#port, this.host, (socket) => this.#accept(socket));
    this.#port = port;
    this.#server = server;
  }

  /** Stops the server and forgets every document, index and fault. */
  async close(): Promise<void> {
    this.clearFaults();
    await this.stop();
    this.store.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #removeRule(rule: ActiveRule): void {
    rule.removed = true;
    this.#rules.delete(rule);
    for (const wake of rule.waiters) wake();
    rule.waiters.clear();
  }

  #accept(socket: Socket): void {
    const connectionId = this.#nextConnectionId++;
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_BYTES) {
          socket.destroy();
          return;
        }
        if (buffered.length < length) break;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        // One command at a time per connection, in order, as mongod does.
        queue = queue.then(() => this.#handle(socket, message, connectionId));
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.#sockets.delete(socket));
  }

  async #handle(socket: Socket, message: Buffer, connectionId: number): Promise<void> {
    if (socket.destroyed) return;
    let request: WireRequest;
    try {
      request = decodeRequest(message);
    } catch {
      socket.destroy();
      return;
    }
    const name = commandName(request.command);
    this.#commandCounts.set(name, (this.#commandCounts.get(name) ?? 0) + 1);
    const fault = this.#matchFault(name, request.command);
    let reply: Document;
    try {
      if (fault !== undefined) {
        if (fault.kind === "stall") await this.#stall(fault);
        if (socket.destroyed) return;
        if (fault.kind === "drop" && fault.afterApply !== true) {
          socket.destroy();
          return;
        }
        if (fault.kind === "error") {
          throw new CommandError(fault.code, fault.codeName, fault.message ?? `${fault.codeName} (injected by the test server)`, fault.labels ?? []);
        }
      }
      const context = this.#context(connectionId);
      const cursorId = name === "getMore" ? optionalNumber(request.command["getMore"]) : undefined;
      if (cursorId !== undefined && this.store.changeStreams.has(cursorId)) {
        // An awaitable getMore: it may wait for the next insert, so it runs outside runCommand.
        reply = { ...(await this.store.changeStreams.getMore(cursorId, optionalNumber(request.command["maxTimeMS"]), optionalNumber(request.command["batchSize"]))), ok: 1 };
      } else {
        reply = fault?.kind === "writeErrors" ? this.#insertWithErrors(request.command, connectionId, fault) : runCommand(request.command, context);
      }
    } catch (error) {
      reply = errorReply(error);
    }
    if (fault?.kind === "drop" || socket.destroyed) {
      socket.destroy();
      return;
    }
    if (request.noReply) return;
    const requestId = this.#nextRequestId++;
    const bytes = request.legacy ? encodeLegacyReply(request.header.requestId, requestId, reply) : encodeMsgReply(request.header.requestId, requestId, reply);
    socket.write(bytes);
  }

  #context(connectionId: number): CommandContext {
    return {
      store: this.store,
      connectionId,
      version: this.version,
      replicaSet: this.replicaSet === undefined ? undefined : { name: this.replicaSet, host: `${this.host}:${this.#port}` },
    };
  }

  #matchFault(name: string, command: Document): FaultAction | undefined {
    for (const rule of this.#rules) {
      const r = rule.rule;
      const names = r.commands;
      if (names === undefined ? HANDSHAKE.has(name) : !names.includes(name)) continue;
      if (r.collection !== undefined && command[name] !== r.collection) continue;
      if (r.when !== undefined && !r.when(command)) continue;
      rule.matched++;
      if (rule.matched <= (r.skip ?? 0)) continue;
      if (r.times !== undefined && rule.hits >= r.times) continue;
      rule.hits++;
      return r.action;
    }
    return undefined;
  }

  #stall(action: Extract<FaultAction, { kind: "stall" }>): Promise<void> {
    const rule = [...this.#rules].find((r) => r.rule.action === action);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = action.ms === undefined ? undefined : setTimeout(done, action.ms);
      if (rule === undefined) done();
      else rule.waiters.add(done);
    });
  }

  #insertWithErrors(command: Document, connectionId: number, fault: Extract<FaultAction, { kind: "writeErrors" }>): Document {
    const documents = (command["documents"] as Document[] | undefined) ?? [];
    const failing = new Set<number>();
    documents.forEach((d, i) => {
      if (fault.select === undefined || fault.select(d, i)) failing.add(i);
    });
    const kept = documents.filter((_, i) => !failing.has(i));
    const positions = documents.map((_, i) => i).filter((i) => !failing.has(i));
    const reply = runCommand({ ...command, documents: kept, ordered: false }, this.#context(connectionId));
    const writeErrors: Document[] = [...failing].map((index) => ({ index, code: fault.code, errmsg: fault.message ?? `write error ${fault.code} (injected by the test server)` }));
    for (const e of (reply["writeErrors"] as Document[] | undefined) ?? []) writeErrors.push({ ...e, index: positions[e["index"] as number] });
    writeErrors.sort((a, b) => (a["index"] as number) - (b["index"] as number));
    return { ...reply, writeErrors };
  }
}

function errorReply(error: unknown): Document {
  if (error instanceof CommandError) {
    return {
      ok: 0,
      errmsg: error.message,
      code: error.code,
      codeName: error.codeName,
      ...(error.labels.length > 0 ? { errorLabels: [...error.labels] } : {}),
    };
  }
  return { ok: 0, errmsg: error instanceof Error ? error.message : String(error), code: 1, codeName: "InternalError" };
}

function optionalNumber(value: unknown): number | undefined {
  if (value instanceof Long) return value.toNumber();
  return typeof value === "number" ? value : undefined;
}
