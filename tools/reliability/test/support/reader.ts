// The reader is being finished in @dashlog/local-jsonl and is not exported from the package
// entry yet, so it is taken from its built file. Once `jsonlReader` is exported from
// "@dashlog/local-jsonl", import it from there and delete this file.
export { jsonlReader, type JsonlReader } from "../../../../packages/local-jsonl/dist/jsonl-reader.js";
