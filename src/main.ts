#!/usr/bin/env node
// CLI entry: `gatehouse <command>`; the commands are in src/cli/ (command-table.ts lists them).
import { runCli } from './cli/program.js';

await runCli(process.argv.slice(2));
