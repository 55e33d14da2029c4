import type { Document } from "bson";

/** What a fault does to a matching command. */
export type FaultAction =
  /** Close the connection without a reply: before the command runs, or (`afterApply`) after it was applied, as when a reply is lost. */
  | { readonly kind: "drop"; readonly afterApply?: boolean }
  /** Hold the command (not yet applied) for `ms`, or until the rule is removed or `releaseStalls()` is called. */
  | { readonly kind: "stall"; readonly ms?: number }
  /** Fail the whole command, e.g. `{ code: 10107, codeName: "NotWritablePrimary" }`. */
  | {
      readonly kind: "error";
      readonly code: number;
      readonly codeName: string;
      readonly message?: string;
      readonly labels?: readonly string[];
    }
  /** Refuse some documents of an insert with a per-document write error; the others are stored. */
  | {
      readonly kind: "writeErrors";
      readonly code: number;
      readonly message?: string;
      /** Which documents fail, by position in the command. Default: every one. */
      readonly select?: (document: Document, index: number) => boolean;
    };

export interface FaultRule {
  /** Command names to act on, e.g. `["insert"]`. Default: every command except the handshake (hello, isMaster). */
  readonly commands?: readonly string[];
  /** Only commands on this collection. */
  readonly collection?: string;
  /** Let this many matching commands through first. */
  readonly skip?: number;
  /** Act on this many commands, then stop. Default: every matching one until removed. */
  readonly times?: number;
  /** A finer test on the command document. */
  readonly when?: (command: Document) => boolean;
  readonly action: FaultAction;
}

export interface FaultHandle {
  /** Commands this rule acted on so far. */
  readonly hits: number;
  /** Commands that matched (including skipped ones). */
  readonly matched: number;
  /** Stops the rule and releases the commands it stalls. */
  remove(): void;
}
