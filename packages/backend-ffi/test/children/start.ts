// How the child scripts here start (test/child.ts runChild): <script>.js <backend URL> <check> [args...];
// the built backend is loaded from that URL, as a user's import would.
export const [backendUrl = '', check = '', ...args] = process.argv.slice(2);
export const { backend } = (await import(backendUrl)) as typeof import('../../src/index.js');

/** Runs the check named in argv; what it returns is printed as the one JSON line the test reads. */
export const runCheck = async (checks: Record<string, (...args: string[]) => unknown>) =>
  console.log(JSON.stringify(await checks[check]!(...args)));
