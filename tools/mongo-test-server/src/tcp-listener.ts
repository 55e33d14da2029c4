import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * Listens on `port` (0: any free one) and resolves once listening, with the port it got:
 * the test server and the fault proxy both restart on the port they had, to stage an outage.
 */
export async function listenTcp(port: number, host: string, onConnection: (socket: Socket) => void): Promise<{ readonly server: Server; readonly port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Stops listening; resolves once the server is closed (connections must be destroyed first). */
export function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
