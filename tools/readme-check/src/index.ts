export { extractSnippets, type Snippet } from "./extract-snippets.js";
export { checkReadme, type ReadmeCheckResult } from "./check-readme.js";
