/** Starts the stdout line on which a child process prints its JSON result. */
export const RESULT_MARK = "BENCH_RESULT ";

/** Starts the line on which a MongoDB test server child prints its connection string. */
export const SERVER_READY = "MONGO_TEST_SERVER_URI ";

/** The line a latency reader prints once it follows the file, so the writer starts only then. */
export const READER_READY = "LATENCY_READER_READY";
