// The dashboard's front-end (web/) bundled into dist/web: uPlot, TanStack Virtual and the
// page's own code in one script and one style sheet, so a user of the CLI downloads no
// chart library and the page makes no request outside its own server (or none at all, in a
// report file). esbuild and the libraries are devDependencies.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const out = new URL("./dist/web/", import.meta.url);
await build({
  entryPoints: { dashboard: new URL("./web/main.ts", import.meta.url).pathname },
  outdir: out.pathname,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2022"],
  legalComments: "none",
  logLevel: "warning",
});

// A package ships build output as JavaScript (tools/package-check): the style sheet travels as a
// module holding its text, which the page shell inlines.
const css = new URL("dashboard.css", out);
writeFileSync(new URL("dashboard-style.js", out), `export const DASHBOARD_STYLE = ${JSON.stringify(readFileSync(css, "utf8"))};\n`);
rmSync(css);
