export { CHROMIUM_ARGS, chromiumExecutable, launchChromium } from "./launch-chromium.js";
export type { Browser, BrowserContext, Page } from "playwright-core";
