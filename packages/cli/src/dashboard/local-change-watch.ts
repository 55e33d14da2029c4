import { watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { LOGS_DIR, experimentDir } from "@dashlog/local-jsonl";
import type { StoreWatch } from "./store-watch.js";

/**
 * File-system notifications (inotify, FSEvents, ...) for one experiment's folder and its
 * streams folder: an append to any stream or to runs.jsonl wakes the live feed at once.
 * Undefined when the folders cannot be watched (not there yet, or no notification support).
 */
export async function watchLocalExperiment(root: string, prefix: string, onChange: () => void, onLost: () => void): Promise<StoreWatch | undefined> {
  const dir = experimentDir(root, prefix);
  const watchers: FSWatcher[] = [];
  const close = () => {
    for (const w of watchers) w.close();
    watchers.length = 0;
  };
  try {
    for (const path of [dir, join(dir, LOGS_DIR)]) {
      const watcher = watch(path, { persistent: false }, () => onChange());
      watcher.on("error", () => {
        // The folder went away or the watch broke: polling alone carries on.
        close();
        onLost();
      });
      watchers.push(watcher);
    }
  } catch {
    close();
    return undefined;
  }
  return { close };
}
