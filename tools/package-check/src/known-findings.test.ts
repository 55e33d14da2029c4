import { expect, it } from "vitest";
import { compareWithKnown } from "./known-findings.js";

it("separates new findings from known ones and lists known ones that were fixed", () => {
  const findings = [
    { package: "p", check: "files:readme", message: "no README" },
    { package: "p", check: "publint:USE_TYPE", message: "type" },
  ];
  const known = { p: { "files:readme": "add a README", "files:license": "add a LICENSE" } };
  expect(compareWithKnown("p", findings, known)).toEqual({
    unexpected: [{ package: "p", check: "publint:USE_TYPE", message: "type" }],
    resolved: ["files:license"],
  });
  expect(compareWithKnown("q", findings, known).unexpected).toHaveLength(2);
});
