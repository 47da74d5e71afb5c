#!/usr/bin/env node
// `npx memmap info [--require flag,flag]`: which backends load in this project, why the others do
// not, what each can do, and what loadBackend() picks (with --require: what loadBackend({ require })
// picks, or why nothing qualifies). Exit status 1 when that choice fails.
import {
  type CapabilityName,
  capabilityFlags,
  defaultBackend,
  listBackends,
  loadBackend,
  runtimeLabel,
  selectionReason,
} from '@memmap/core';

const usage = `usage: memmap info [--require ${capabilityFlags.slice(0, 2).join(',')},...]
  Which memmap backends load here (and why the others do not), their capabilities, and the one
  loadBackend() picks; with --require, the one loadBackend({ require }) picks.`;

function info(required: CapabilityName[] | undefined): number {
  console.log(`memmap under ${runtimeLabel()} on ${process.platform}-${process.arch}\n`);
  const header = ['backend', 'loads', ...capabilityFlags];
  const rows = [header];
  const notes: string[] = [];
  for (const s of listBackends()) {
    const flags = capabilityFlags.map((f) => (s.capabilities ? (s.capabilities[f] ? 'yes' : 'no') : '-'));
    rows.push([s.name, s.loaded ? 'yes' : 'no', ...flags]);
    if (!s.loaded) notes.push(`${s.name} does not load: ${s.error}`);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const r of rows)
    console.log(
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  try {
    if (required) {
      const chosen = loadBackend({ require: required });
      console.log(`\nloadBackend({ require: [${required.map((f) => `'${f}'`).join(', ')}] }) picks: ${chosen.name}`);
    } else {
      const chosen = defaultBackend();
      console.log(`\nloadBackend() picks: ${chosen.name} (${selectionReason()})`);
    }
    return 0;
  } catch (error) {
    console.log(`\n${required ? 'loadBackend({ require })' : 'loadBackend()'} fails: ${(error as Error).message}`);
    return 1;
  }
}

function main(args: string[]): number {
  const [command, ...rest] = args;
  if (command !== 'info') {
    console.error(usage);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
  let required: CapabilityName[] | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = arg.startsWith('--require=') ? arg.slice('--require='.length) : arg === '--require' ? rest[++i] : undefined;
    if (value === undefined) {
      console.error(`unknown argument ${JSON.stringify(arg)}\n${usage}`);
      return 2;
    }
    required = value.split(',').filter(Boolean) as CapabilityName[];
  }
  return info(required);
}

process.exitCode = main(process.argv.slice(2));
