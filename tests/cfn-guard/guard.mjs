#!/usr/bin/env node
// Runs AWS's cfn-guard binary with every AWS Control Tower proactive-control rule over CloudFormation templates.
// The binary and the rules both ship in @cdklabs/cdk-validator-cfnguard (bin/<os>/<arch>/cfn-guard and
// rules/control-tower/cfn-guard); nothing is downloaded.
// Usage: node guard.mjs [--exceptions exceptions.json] <template file or directory> ...
// Prints one line per failed check ("file: CT.X.PR.N Resource (guard rule): fix"), then one line per exception
// that excused nothing (a stale exception fails the run too), then "N passed, M failed" over the templates.
// Exits 1 when anything failed, 2 when guard itself could not run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));

export const rulesDir = path.join(packageDir, 'rules', 'control-tower', 'cfn-guard');

export function guardBinary() {
  const platform = { linux: 'ubuntu', darwin: 'macos' }[os.platform()];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[os.arch()];
  if (!platform || !arch) throw new Error(`cfn-guard is shipped for linux and macOS on x64 and arm64, not ${os.platform()}/${os.arch()}`);
  return path.join(packageDir, 'bin', platform, arch, 'cfn-guard');
}

// ---------- reading guard's structured output ----------
const CONTROL = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/;
const FIX = /\[FIX\]:\s*([^\n]+)/;

// Guard nests its checks differently per rule; every failed check carries the path it traversed to
// (/Resources/<LogicalId>/...) and the rule's message names the control ([CT.S3.PR.1]) and the fix.
function collect(node, found) {
  if (Array.isArray(node)) { node.forEach((item) => collect(item, found)); return; }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'custom_message' && typeof value === 'string') {
      const control = CONTROL.exec(value);
      if (control) found.controls.add(control[1]);
      const fix = FIX.exec(value);
      if (fix) found.fixes.add(fix[1].trim());
    } else if (key === 'path' && typeof value === 'string') {
      const resource = /^\/Resources\/([^/[]+)/.exec(value);
      if (resource) found.resources.add(resource[1]);
    } else {
      collect(value, found);
    }
  }
}

export function violations(results) {
  const found = [];
  for (const result of results) {
    const file = path.basename(result.name);
    for (const entry of result.not_compliant ?? []) {
      const rule = entry.Rule ?? entry;
      const parts = { controls: new Set(), fixes: new Set(), resources: new Set() };
      collect(rule, parts);
      const control = [...parts.controls][0] ?? rule.name;
      const fix = [...parts.fixes][0] ?? '';
      const resources = parts.resources.size > 0 ? [...parts.resources] : ['(template)'];
      for (const resource of resources) found.push({ file, control, rule: rule.name, resource, fix });
    }
  }
  return found;
}

// ---------- exceptions ----------
// Each exception names a control, the logical ids it excuses, optionally the template files (globs with *) and why.
export function loadExceptions(file) {
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${file}: expected a list of exceptions`);
  entries.forEach((entry, index) => {
    const where = `${file}[${index}]`;
    if (typeof entry.control !== 'string' || !CONTROL.test(`[${entry.control}]`)) throw new Error(`${where}: "control" must be a CT.<SERVICE>.PR.<n> id`);
    if (!Array.isArray(entry.resources) || entry.resources.length === 0) throw new Error(`${where}: "resources" must list logical ids`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 40) throw new Error(`${where}: "reason" must say why the control does not apply`);
    if (entry.files !== undefined && (!Array.isArray(entry.files) || entry.files.length === 0)) throw new Error(`${where}: "files" must be a non-empty list of globs`);
  });
  return entries;
}

const glob = (pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

export function excuses(exception, violation) {
  return exception.control === violation.control
    && exception.resources.includes(violation.resource)
    && (exception.files ?? ['*']).some((pattern) => glob(pattern).test(violation.file));
}

// ---------- command line ----------
function runGuard(data) {
  const args = ['validate', '--rules', rulesDir, ...data.flatMap((d) => ['--data', d]),
    '--output-format', 'json', '--show-summary', 'none', '--structured'];
  const run = spawnSync(guardBinary(), args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.error) throw run.error;
  // 0: every rule passed or was skipped; 19: some rule failed. Anything else is guard refusing its input.
  if (run.status !== 0 && run.status !== 19) throw new Error(`cfn-guard exited ${run.status}: ${run.stderr || run.stdout}`);
  return JSON.parse(run.stdout);
}

function templateFiles(inputs) {
  return inputs.flatMap((input) => (fs.statSync(input).isDirectory()
    ? fs.readdirSync(input).filter((f) => /\.(json|ya?ml|template)$/.test(f)).map((f) => path.join(input, f))
    : [input]));
}

function main(argv) {
  let exceptions = [];
  const inputs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--exceptions') exceptions = loadExceptions(argv[++i]);
    else inputs.push(argv[i]);
  }
  if (inputs.length === 0) {
    console.error('usage: node guard.mjs [--exceptions exceptions.json] <template file or directory> ...');
    return 2;
  }
  const files = templateFiles(inputs);
  const found = violations(runGuard(inputs));
  const used = new Set();
  const failedFiles = new Set();
  let excused = 0;
  for (const violation of found) {
    const exception = exceptions.findIndex((e) => excuses(e, violation));
    if (exception >= 0) { used.add(exception); excused++; continue; }
    failedFiles.add(violation.file);
    console.log(`${violation.file}: ${violation.control} ${violation.resource} (${violation.rule}): ${violation.fix}`);
  }
  const stale = exceptions.filter((_, index) => !used.has(index));
  for (const exception of stale) console.log(`exceptions: ${exception.control} [${exception.resources.join(', ')}] excused nothing; remove it`);
  console.log(`${excused} failed checks excused by ${used.size} of ${exceptions.length} exceptions`);
  console.log(`${files.length - failedFiles.size} passed, ${failedFiles.size} failed`);
  return failedFiles.size === 0 && stale.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`guard.mjs: ${error.message}`);
    process.exitCode = 2;
  }
}
