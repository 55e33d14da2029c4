export {
  DashlogDestination,
  dashlogDestination,
  type DashlogDestinationOptions,
  type DestinationRun,
} from "./dashlog-destination.js";
export { PINO_DEFAULT_LEVELS, PINO_LEVEL_OF, levelFromPinoValue } from "./level-mapping.js";
export { LineBuffer } from "./line-buffer.js";
export { DEFAULT_PINO_LINE_FORMAT, type PinoLevels, type PinoLineFormat } from "./pino-levels.js";
export { parsePinoLine, type PinoLogEntry } from "./pino-line.js";
export { PinoSink, pinoSink, type PinoLogMethod, type PinoLogger, type PinoSinkOptions } from "./pino-sink.js";
export { parseTransportOptions, type DashlogTransportOptions } from "./transport-options.js";
