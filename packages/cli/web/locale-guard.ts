// uPlot formats numbers with Intl for navigator.language when it loads. A browser started
// under a POSIX locale (headless Chromium with LANG=C) reports a tag such as `en-US@posix`
// that Intl rejects, which would stop the page before it draws; such a browser gets en-US.
// Imported first by main.ts so it runs before uPlot's module does.
function guard(): string {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  }
  return navigator.language;
}

/** The language the page formats with; main.ts reads it so the bundler keeps this module, first. */
export const PAGE_LANGUAGE = guard();
