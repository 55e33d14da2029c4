export { CommandError } from "./command-error.js";
export type { FaultAction, FaultHandle, FaultRule } from "./fault-rule.js";
export { MAX_BSON_OBJECT_SIZE } from "./memory-collection.js";
export { MongoTestServer, type MongoTestServerOptions } from "./mongo-test-server.js";
export { FaultProxy, type FaultProxyOptions } from "./fault-proxy.js";
