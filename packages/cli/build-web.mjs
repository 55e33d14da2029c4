// The dashboard's front-end (web/) bundled into dist/web: uPlot, TanStack Virtual and the
// page's own code in one script and one style sheet, so a user of the CLI downloads no
// chart library and the page makes no request outside its own server (or none at all, in a
// report file). esbuild and the libraries are devDependencies.
import { build } from "esbuild";

await build({
  entryPoints: { dashboard: new URL("./web/main.ts", import.meta.url).pathname },
  outdir: new URL("./dist/web/", import.meta.url).pathname,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2022"],
  legalComments: "none",
  logLevel: "warning",
});
