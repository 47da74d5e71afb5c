// Child of the worker-shutdown group's probe: once the backend under test is imported, is koffi
// among the modules loaded (the keys of the CommonJS module cache, which lists koffi's own files
// and its .node addon under Node and Bun)? That says the backend calls native code through koffi.
// Self-contained: it reaches its child as source text via toString().

export function loadsKoffi(loaded: readonly string[]): boolean {
  return loaded.some((path) => /[\\/](?:@koromix[\\/])?koffi(?:-[\w-]+)?[\\/]/.test(path));
}
