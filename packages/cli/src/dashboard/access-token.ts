import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** A fresh random token: 32 bytes, URL-safe, printed once in the URL the server prints. */
export function newAccessToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Hosts that only this machine can reach: no token needed there. */
export function isLoopbackHost(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * True when the request carries `token`: in the query (`?token=`, what the printed URL and
 * the page use, EventSource included) or as `Authorization: Bearer`. Compared in constant time.
 */
export function hasToken(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization;
  const given = url.searchParams.get("token") ?? (header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : null);
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
