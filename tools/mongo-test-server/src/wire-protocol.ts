import { BSON, type Document } from "bson";
import { rememberBytes, serializeDocument } from "./stored-bytes.js";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_LENGTH = 16;
const MORE_TO_COME = 1 << 1;
const CHECKSUM_PRESENT = 1 << 0;

/** The driver's own limit; a longer length prefix means a corrupt stream, not a big message. */
export const MAX_MESSAGE_BYTES = 48_000_000;

export interface MessageHeader {
  readonly length: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

/** A request decoded into one command document, whichever opcode carried it. */
export interface WireRequest {
  readonly header: MessageHeader;
  readonly command: Document;
  /** OP_MSG with moreToCome: the client expects no reply. */
  readonly noReply: boolean;
  readonly legacy: boolean;
}

const deserializeOptions = { promoteLongs: true, promoteValues: true } as const;

export function readHeader(buffer: Buffer, offset = 0): MessageHeader {
  return {
    length: buffer.readInt32LE(offset),
    requestId: buffer.readInt32LE(offset + 4),
    responseTo: buffer.readInt32LE(offset + 8),
    opCode: buffer.readInt32LE(offset + 12),
  };
}

/** Decodes one whole message (header included). Kind-1 sections become arrays on the command, as the server does. */
export function decodeRequest(message: Buffer): WireRequest {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) {
    const flags = message.readUInt32LE(HEADER_LENGTH);
    const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
    let offset = HEADER_LENGTH + 4;
    let command: Document | undefined;
    const sequences: [string, Document[]][] = [];
    while (offset < end) {
      const kind = message.readUInt8(offset);
      offset += 1;
      if (kind === 0) {
        const size = message.readInt32LE(offset);
        command = BSON.deserialize(message.subarray(offset, offset + size), deserializeOptions);
        offset += size;
      } else if (kind === 1) {
        const size = message.readInt32LE(offset);
        const sectionEnd = offset + size;
        let cursor = offset + 4;
        const nul = message.indexOf(0, cursor);
        const identifier = message.toString("utf8", cursor, nul);
        cursor = nul + 1;
        const documents: Document[] = [];
        // The documents' bytes are kept (see stored-bytes.ts): copied once per section, so a
        // stored document does not hold on to the socket's read buffer.
        const section = Buffer.from(message.subarray(cursor, sectionEnd));
        let at = 0;
        while (at < section.length) {
          const docSize = section.readInt32LE(at);
          const bytes = section.subarray(at, at + docSize);
          const document = BSON.deserialize(bytes, deserializeOptions);
          rememberBytes(document, bytes);
          documents.push(document);
          at += docSize;
        }
        sequences.push([identifier, documents]);
        offset = sectionEnd;
      } else {
        throw new Error(`OP_MSG section kind ${kind} is not supported`);
      }
    }
    if (command === undefined) throw new Error("OP_MSG without a body section");
    for (const [identifier, documents] of sequences) command[identifier] = documents;
    return { header, command, noReply: (flags & MORE_TO_COME) !== 0, legacy: false };
  }
  if (header.opCode === OP_QUERY) {
    let offset = HEADER_LENGTH + 4;
    const nul = message.indexOf(0, offset);
    const collection = message.toString("utf8", offset, nul);
    offset = nul + 1 + 8;
    const size = message.readInt32LE(offset);
    let command = BSON.deserialize(message.subarray(offset, offset + size), deserializeOptions);
    // Old drivers wrap the command as { $query: {...}, $readPreference: ... }.
    if (command["$query"] !== undefined && typeof command["$query"] === "object") command = command["$query"] as Document;
    const db = collection.endsWith(".$cmd") ? collection.slice(0, -".$cmd".length) : collection.split(".")[0];
    command["$db"] ??= db;
    return { header, command, noReply: false, legacy: true };
  }
  throw new Error(`opcode ${header.opCode} is not supported by the test server`);
}

export function encodeMsgReply(responseTo: number, requestId: number, body: Document): Buffer {
  const payload = serializeDocument(body);
  const out = Buffer.alloc(HEADER_LENGTH + 4 + 1 + payload.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(0, 16);
  out.writeUInt8(0, 20);
  out.set(payload, 21);
  return out;
}

export function encodeLegacyReply(responseTo: number, requestId: number, body: Document): Buffer {
  const payload = serializeDocument(body);
  const out = Buffer.alloc(HEADER_LENGTH + 20 + payload.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_REPLY, 12);
  out.writeInt32LE(8, 16); // AwaitCapable, as mongod sets it
  out.writeBigInt64LE(0n, 20);
  out.writeInt32LE(0, 28);
  out.writeInt32LE(1, 32);
  out.set(payload, 36);
  return out;
}
