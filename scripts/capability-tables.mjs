#!/usr/bin/env node
// The capability tables of the docs, generated from one source: each in-repo backend's manifest as
// loaded here (Linux x64, Node), plus docs/capability-differences.json for what another runtime
// or platform changes. Each table lies between `<!-- capabilities:start KIND -->` and
// `<!-- capabilities:end -->`, where KIND is
//   backends          one row per flag, one column per backend (reference values, differences noted)
//   backend:NAME      one row per flag for that backend
//   platform:NAME     one row per backend, one column per flag, as on that platform of the data file
// Usage: node scripts/capability-tables.mjs [--check]   (--check: exit 1 when a table is stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const files = [
  'README.md',
  'docs/capabilities.md',
  'docs/platforms.md',
  ...['napi', 'ffi', 'fallback'].map((b) => `packages/backend-${b}/README.md`),
];
const backendNames = ['napi', 'ffi', 'fallback'];

const { capabilityFlags } = await import(join(repo, 'packages/core/dist/index.js'));
const data = JSON.parse(readFileSync(join(repo, 'docs/capability-differences.json'), 'utf8'));
const manifests = {};
for (const name of backendNames)
  manifests[name] = (await import(join(repo, `packages/backend-${name}/dist/index.js`))).backend.capabilities;

if (process.platform !== 'linux' || process.arch !== 'x64' || process.versions.bun || process.versions.deno) {
  console.error('capability-tables: the reference is Linux x64 on Node; run it there');
  process.exit(1);
}

const entryValue = (entry) => (typeof entry === 'boolean' ? entry : entry.value);
const entryNote = (entry) => (typeof entry === 'object' && entry.note ? entry.note : undefined);

// The reference value of each flag: the manifest, unless this runtime is listed as different (then
// the manifest must say what the data file says, and the reference is the other value).
const here = `Node ${process.versions.node.split('.')[0]}`;
const problems = [];
const reference = {};
for (const name of backendNames) {
  reference[name] = {};
  for (const flag of capabilityFlags) {
    const actual = manifests[name][flag];
    const entry = data.runtimes[here]?.[name]?.[flag];
    if (entry !== undefined && entryValue(entry) !== actual) {
      problems.push(`docs/capability-differences.json: ${here} ${name}.${flag} is ${actual} here, the file says ${entryValue(entry)}`);
    }
    reference[name][flag] = entry === undefined ? actual : !actual;
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}

const yesNo = (value) => (value ? 'yes' : 'no');

/** "yes", or "yes (no on Node 20, Windows x64)": the value and where it differs, from `sections`. */
function cell(name, flag, value, sections) {
  const differs = [];
  const notes = [];
  for (const section of sections) {
    for (const [where, table] of Object.entries(data[section])) {
      const entry = table[name]?.[flag];
      if (entry === undefined) continue;
      if (entryValue(entry) !== value) differs.push(where);
      if (entryNote(entry)) notes.push(`${where}: ${entryNote(entry)}`);
    }
  }
  const extra = [...(differs.length > 0 ? [`${yesNo(!value)} on ${differs.join(', ')}`] : []), ...notes];
  return extra.length > 0 ? `${yesNo(value)} (${extra.join('; ')})` : yesNo(value);
}

const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

function render(kind) {
  if (kind === 'backends') {
    return table(
      ['flag', ...backendNames],
      capabilityFlags.map((flag) => [
        `\`${flag}\``,
        ...backendNames.map((n) => cell(n, flag, reference[n][flag], ['runtimes', 'platforms'])),
      ]),
    );
  }
  if (kind.startsWith('backend:')) {
    const name = kind.slice('backend:'.length);
    if (!backendNames.includes(name)) throw new Error(`unknown backend in marker: ${kind}`);
    return table(
      ['flag', name],
      capabilityFlags.map((flag) => [`\`${flag}\``, cell(name, flag, reference[name][flag], ['runtimes', 'platforms'])]),
    );
  }
  if (kind.startsWith('platform:')) {
    const where = kind.slice('platform:'.length);
    const differences = data.platforms[where];
    if (!differences) throw new Error(`no platform "${where}" in docs/capability-differences.json`);
    return table(
      [where, ...capabilityFlags.map((f) => `\`${f}\``)],
      backendNames.map((name) => [
        name,
        ...capabilityFlags.map((flag) => {
          const entry = differences[name]?.[flag];
          const value = entry === undefined ? reference[name][flag] : entryValue(entry);
          const note = entry === undefined ? undefined : entryNote(entry);
          const base = cell(name, flag, value, ['runtimes']);
          return note ? `${base} (${note})` : base;
        }),
      ]),
    );
  }
  throw new Error(`unknown table kind: ${kind}`);
}

const marker = /(<!-- capabilities:start ([\w:, -]+?) -->\n)([\s\S]*?)(<!-- capabilities:end -->)/g;
let stale = 0;
for (const file of files) {
  const path = join(repo, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(marker, (_, start, kind, _old, end) => `${start}${render(kind.trim())}\n${end}`);
  if (next === text) continue;
  stale++;
  if (check) console.error(`${relative(repo, path)}: capability table is stale; run node scripts/capability-tables.mjs`);
  else {
    writeFileSync(path, next);
    console.log(`${relative(repo, path)}: updated`);
  }
}
if (check && stale > 0) process.exit(1);
if (check) console.log('capability tables: up to date');
