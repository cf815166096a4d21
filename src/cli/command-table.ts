// Every command of `gatehouse`, one file per command group, in the order `gatehouse help` lists
// them. A new command group is one file that registers itself on the program, and a line here.
import type { Command } from 'commander';
import { apikeyCommand } from './apikey.js';
import { applyCommand } from './apply.js';
import { auditCommand } from './audit.js';
import { clientCommand } from './client.js';
import { keysCommand } from './keys.js';
import { migrateCommand } from './migrate.js';
import { roleCommand } from './role.js';
import { scopeCommand } from './scope.js';
import { serveCommand } from './serve.js';
import { userCommand } from './user.js';
import { routeCommand } from './route.js';

export const COMMANDS: readonly ((program: Command) => void)[] = [
  serveCommand,
  migrateCommand,
  applyCommand,
  userCommand,
  clientCommand,
  scopeCommand,
  roleCommand,
  keysCommand,
  auditCommand,
  routeCommand,
  apikeyCommand,
];
