// What napi's and ffi's own tests share for the checks they run in child processes: their child
// scripts, kept as TypeScript in test/children/ (so tsc and Biome read them) but run as JavaScript
// (Node 20 cannot run TypeScript), and the recorder their hostile-argument children call through.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const transpiled = new Set<string>();

/**
 * The JavaScript file of `<testDir>children/<name>.ts`. The first call for a test directory
 * transpiles every children/*.ts into children/dist/ (types erased file by file; the package's
 * typecheck is what checks them), each written to a temporary file and renamed into place, so test
 * files running at once never start a half-written script. TypeScript comes from the calling
 * package's resolution (the repository's devDependency), never from the suite's dependencies.
 */
export function testChildScript(testDir: URL, name: string): string {
  const src = fileURLToPath(new URL('children/', testDir));
  const out = join(src, 'dist');
  if (!transpiled.has(src)) {
    const ts = createRequire(testDir)('typescript') as typeof import('typescript');
    const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true };
    mkdirSync(out, { recursive: true });
    for (const file of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      const js = ts.transpileModule(readFileSync(join(src, file), 'utf8'), { fileName: file, compilerOptions }).outputText;
      const target = join(out, file.replace(/\.ts$/, '.js'));
      if (existsSync(target) && readFileSync(target, 'utf8') === js) continue;
      writeFileSync(`${target}.${process.pid}.tmp`, js);
      renameSync(`${target}.${process.pid}.tmp`, target);
    }
    transpiled.add(src);
  }
  return join(out, `${name}.js`);
}

/**
 * For children that call a backend's raw functions with hostile arguments: `run(name, call)` records
 * in `out` either 'no error: <JSON of the result>' (a Buffer as its last byte, what a caller would
 * read next; a promise once settled) or what `classify` makes of the error thrown.
 */
export function hostileCalls(classify: (error: unknown) => string): {
  out: Record<string, unknown>;
  run: (name: string, call: () => unknown) => Promise<void>;
} {
  const out: Record<string, unknown> = {};
  const run = async (name: string, call: () => unknown): Promise<void> => {
    try {
      let r = call();
      if (r && typeof (r as { then?: unknown }).then === 'function') r = await r;
      // A Buffer handed out past the end: reading its last byte is what a caller would do next.
      if (Buffer.isBuffer(r)) r = r.length ? r[r.length - 1] : 'empty';
      out[name] = `no error: ${JSON.stringify(r)}`;
    } catch (e) {
      out[name] = classify(e);
    }
  };
  return { out, run };
}
