import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { dashlog } from "./helpers/run-dashlog.js";

const COMMANDS = ["tail", "ls", "export", "push", "report"];

describe("dashlog", () => {
  it("lists every command in --help and exits 0", async () => {
    const result = await dashlog(["--help"]);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it("prints the help and exits 2 without a command", async () => {
    const result = await dashlog([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Usage: dashlog <command>");
  });

  it.each(COMMANDS)("%s --help shows its usage, options and examples", async (command) => {
    const result = await dashlog([command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: dashlog ${command}`));
    expect(result.stdout).toContain("--help");
    expect(result.stdout).toContain(`  dashlog ${command}`);
    expect(result.stderr).toBe("");
  });

  it("prints its package version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    const result = await dashlog(["--version"]);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it.each([
    [["frobnicate"], /^dashlog: unknown command "frobnicate"; commands: tail, ls, export, params, push, report/],
    [["tail"], /^dashlog tail: missing PREFIX \(see dashlog tail --help\)$/],
    [["tail", "a", "--bogus"], /^dashlog tail: Unknown option '--bogus' \(see dashlog tail --help\)$/],
    [["tail", "a", "-n", "many"], /^dashlog tail: --lines must be a non-negative whole number, got "many"/],
    [["tail", "a", "--level", "verbose"], /^dashlog tail: --level must be one of debug, info, warn, error, fatal; got "verbose"/],
    [["tail", "a", "--since", "yesterday"], /^dashlog tail: --since must be a duration/],
    [["tail", "a", "--root", "x", "--mongo", "mongodb://h/"], /^dashlog tail: --root and --mongo cannot be used together/],
    [["export", "a"], /^dashlog export: --format is required: jsonl, csv, chrome-trace/],
    [["export", "a", "--format", "xml"], /^dashlog export: --format must be one of jsonl, csv, chrome-trace; got "xml"/],
    [["push", "a"], /^dashlog push: --to URI is required/],
    [["push", "a", "--to", "http://example.invalid"], /^dashlog push: --to must be a mongodb:\/\/ or mongodb\+srv:\/\/ URI/],
    [["report", "a"], /^dashlog report: -o FILE is required/],
    [["ls", "extra"], /^dashlog ls: unexpected argument "extra"/],
  ])("refuses %j with exit code 2 and one line on stderr", async (args, message) => {
    const result = await dashlog(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
  });

  it("refuses an unsafe prefix with exit code 1 and one line", async () => {
    const result = await dashlog(["tail", "../etc", "--root", "."]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^dashlog tail: prefix "\.\.\/etc" is not allowed/);
  });
});
