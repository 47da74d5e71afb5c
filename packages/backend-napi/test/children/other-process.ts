// What another process does to a file under a map: `truncate <file> <size>`, or
// `write <file> <offset> <byte> [<offset> <byte>...]` (one byte at each offset).
import fs from 'node:fs';

const [op, file = '', ...rest] = process.argv.slice(2);
const numbers = rest.map(Number);
if (op === 'truncate') fs.truncateSync(file, numbers[0]);
else if (op === 'write') {
  const fd = fs.openSync(file, 'r+');
  for (let i = 0; i < numbers.length; i += 2) fs.writeSync(fd, Buffer.from([numbers[i + 1]!]), 0, 1, numbers[i]!);
  fs.closeSync(fd);
} else throw new Error(`unknown operation ${op}`);
