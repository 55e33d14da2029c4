// The report page's script is plain browser JavaScript, which tsc does not copy: the build does.
import { cpSync } from "node:fs";

cpSync(new URL("./src/report/assets/", import.meta.url), new URL("./dist/report/assets/", import.meta.url), { recursive: true });
