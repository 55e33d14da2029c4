import { connect, type Server, type Socket } from "node:net";
import { closeTcp, listenTcp } from "./tcp-listener.js";

export interface FaultProxyOptions {
  /** Where to forward, e.g. a real MongoDB at 127.0.0.1:27017. */
  readonly targetHost: string;
  readonly targetPort: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/**
 * A TCP proxy in front of any MongoDB (the test server or a real one) that can cut every
 * connection, stop accepting (an outage), or pause traffic (a stall), so the same fault
 * tests run against both.
 */
export class FaultProxy {
  readonly host: string;
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<[Socket, Socket]>();
  #server: Server | null = null;
  #port = 0;
  #paused = false;
  /** Writes held while paused, in arrival order. */
  readonly #held: (() => void)[] = [];

  private constructor(options: FaultProxyOptions) {
    this.host = options.host ?? "127.0.0.1";
    this.#target = { host: options.targetHost, port: options.targetPort };
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.restart();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Cuts every open connection (clients see a network error); new ones are accepted. */
  dropConnections(): number {
    const n = this.#pairs.size;
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
    return n;
  }

  /** Holds all traffic in both directions until `resume()` (bytes are kept, not lost). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    for (const flush of this.#held.splice(0)) flush();
  }

  /** An outage: stop listening and cut every connection. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.dropConnections();
    if (server !== null) await closeTcp(server);
  }

  /** Listen again on the same port. */
  async restart(): Promise<void> {
    if (this.#server !== null) return;
    const { server, port } = await listenTcp(this.#port, this.host, (client) => this.#accept(client));
    this.#port = port;
    this.#server = server;
  }

  async close(): Promise<void> {
    this.resume();
    await this.stop();
  }

  #accept(client: Socket): void {
    const upstream = connect(this.#target.port, this.#target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const forward = (from: Socket, to: Socket) => {
      from.on("data", (chunk: Buffer) => {
        if (!this.#paused) {
          to.write(chunk);
          return;
        }
        this.#held.push(() => {
          if (!to.destroyed) to.write(chunk);
        });
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  }
}
