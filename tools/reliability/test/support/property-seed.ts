import fc from "fast-check";

/**
 * One seed for every property test of a run: `DASHLOG_SEED=<n>` replays a run, otherwise a
 * fresh one is drawn. fast-check prints it (with the failing path) when a property fails; the
 * checks made after a property (distributions) print it through `seedNote`.
 */
export const SEED = (() => {
  const given = process.env["DASHLOG_SEED"];
  if (given !== undefined && given !== "") {
    const n = Number(given);
    if (!Number.isSafeInteger(n)) throw new Error(`DASHLOG_SEED must be an integer, got ${JSON.stringify(given)}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
})();

/** For assertion messages: how to replay this run. */
export const seedNote = `fast-check seed ${SEED}; replay with DASHLOG_SEED=${SEED}`;

fc.configureGlobal({ seed: SEED });
