// Validates an AsyncAPI document with the official parser (the one AsyncAPI Studio and
// the generator use), so `schemas/asyncapi.yaml` is checked against the spec and its
// rulesets, not against our own reading of the spec.
//
// Usage: node validate.mjs [--json] FILE
// Prints every diagnostic on stderr; exits 1 when any has severity "error" (or the
// file cannot be parsed at all), 2 on bad usage, 0 otherwise. With --json it also
// prints the document as read by a YAML 1.2 reader, as JSON on stdout, so the tests
// can check that stream's own YAML writer said what it meant.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import parserModule from "@asyncapi/parser";
import yaml from "js-yaml";

const { Parser, DiagnosticSeverity } = parserModule;

const SEVERITY = ["error", "warning", "info", "hint"];

async function main(argv) {
  const json = argv[0] === "--json";
  const files = json ? argv.slice(1) : argv;
  if (files.length !== 1) {
    console.error("usage: node validate.mjs [--json] FILE");
    return 2;
  }
  const path = resolve(files[0]);
  const text = await readFile(path, "utf8");
  const parser = new Parser();
  // `source` lets the parser resolve relative $refs next to the document.
  const { document, diagnostics } = await parser.parse(text, {
    source: pathToFileURL(path).href,
  });
  let errors = 0;
  for (const d of diagnostics) {
    const where = d.path && d.path.length ? d.path.join(".") : "(document)";
    const line = d.range ? `:${d.range.start.line + 1}` : "";
    const severity = SEVERITY[d.severity] ?? String(d.severity);
    console.error(`${severity} ${d.code} ${path}${line} ${where}: ${d.message}`);
    if (d.severity === DiagnosticSeverity.Error) errors += 1;
  }
  if (document === undefined || errors > 0) {
    console.error(`${path}: ${errors} error(s); not a valid AsyncAPI document`);
    return 1;
  }
  console.error(`${path}: valid AsyncAPI ${document.version()}`);
  if (json) console.log(JSON.stringify(yaml.load(text, { schema: yaml.CORE_SCHEMA })));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
