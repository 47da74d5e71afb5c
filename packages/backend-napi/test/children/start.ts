// How every child script here starts (test/child.ts runChild): <script>.js <dist/ URL> <temp dir> <check>.
export const [distUrl = '', dir = '', check = ''] = process.argv.slice(2);
export const { backend } = (await import(new URL('index.js', distUrl).href)) as typeof import('../../src/index.js');

/** Runs the check named in argv and prints its result as the one JSON line the test reads. */
export async function runCheck(checks: Record<string, () => unknown>): Promise<void> {
  console.log(JSON.stringify(await checks[check]!()));
}
