import { expect, it } from "vitest";
import { checkReadmeLinks } from "./check-readme-links.js";

it("reports relative links, images, references and HTML targets, each once", () => {
  const readme = [
    "See [core](../core/README.md) and [core again](../core/README.md).",
    "![page](docs/page.png)",
    '<a href="./LICENSE">license</a>',
    "[guide]: ../../docs/guide.md",
  ].join("\n");
  expect(checkReadmeLinks("p", readme).map((f) => f.message.split(",")[0])).toEqual([
    "README.md links to ../core/README.md",
    "README.md links to docs/page.png",
    "README.md links to ../../docs/guide.md",
    "README.md links to ./LICENSE",
  ]);
});

it("accepts absolute URLs, anchors and mail, and ignores code blocks", () => {
  const readme = [
    "[npm](https://www.npmjs.com/package/@dashlog/core) [up](#quick-start) [mail](mailto:a@b.c)",
    "```ts",
    'const link = "[x](../not-a-link.md)";',
    "```",
  ].join("\n");
  expect(checkReadmeLinks("p", readme)).toEqual([]);
});
