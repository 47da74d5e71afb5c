// Loads the backend (argv[2]) as if on AIX and prints the error message (or 'loaded') as JSON.
Object.defineProperty(process, 'platform', { value: 'aix' });
try {
  await import(process.argv[2]!);
  console.log(JSON.stringify('loaded'));
} catch (e) {
  console.log(JSON.stringify((e as Error).message));
}
