import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { chromiumExecutable, launchChromium } from "./launch-chromium.js";

describe("launchChromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("runs a page's script and reads the result back", async () => {
    const page = await browser.newPage();
    await page.setContent("<p id=out></p><script>document.getElementById('out').textContent = String(6 * 7)</script>");
    expect(await page.textContent("#out")).toBe("42");
    await page.close();
  });

  it("refuses a CHROMIUM_PATH that does not exist, naming it", async () => {
    const saved = process.env["CHROMIUM_PATH"];
    process.env["CHROMIUM_PATH"] = "/nonexistent/chromium";
    try {
      await expect(chromiumExecutable()).rejects.toThrow("CHROMIUM_PATH=/nonexistent/chromium");
    } finally {
      if (saved === undefined) delete process.env["CHROMIUM_PATH"];
      else process.env["CHROMIUM_PATH"] = saved;
    }
  });
});
