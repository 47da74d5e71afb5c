/** binding.gyp's sources, relative to the package: the common ones and each OS family's. */
export function nativeSources(pkgDir: string): { common: string[]; posix: string[]; win: string[] };
