#!/usr/bin/env node
// The `dashlog` command. Checked in rather than built, so that a workspace install can link
// the command before the first build (pnpm warns about a bin whose file does not exist yet);
// the code itself is the build output in dist/.
import "../dist/bin.js";
