// `node --snapshot-blob <blob> --build-snapshot generate/snapshot-builder.cjs <script> <build.json>`
// (launch.mjs runs it): runs <script>, the generator and snapshot.mjs bundled as one classic
// script, in this context; snapshot.mjs then warms the generator up and names the snapshot's main.
// Through vm because only a script compiled with the main context's loader may import() at run
// time (the environment files); the builder's own require() knows only Node's built-in modules,
// which is all the bundle asks of it.
"use strict";
const { readFileSync } = require("node:fs");
const vm = require("node:vm");

const [script, build] = process.argv.slice(2);
globalThis.__todoGitopsSnapshot = JSON.parse(readFileSync(build, "utf8"));
globalThis.require = require;
new vm.Script(readFileSync(script, "utf8"), {
  filename: script,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext();
delete globalThis.require;
