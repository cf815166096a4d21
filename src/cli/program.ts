// The `gatehouse` command line, parsed by commander from the command table: help on every
// command (`gatehouse help`, `--help`; exit 0), `--version`, a suggestion for a mistyped command or
// option. Exit codes: 0 done, 2 the command line is wrong, 1 the input was refused or the command
// failed — each failure one line on standard error.
import { Command, CommanderError } from 'commander';
import { NotFoundError, ValidationError } from '../admin/validation-error.js';
import { ConfigError } from '../config.js';
import { VERSION } from '../version.js';
import { CLI_LOCK_WAIT_MS, UsageError } from './cli-kit.js';
import { COMMANDS } from './command-table.js';

export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('OAuth 2.1 / OpenID Connect authorization server: serve it, and administer it from the command line')
    .version(VERSION, '-V, --version', 'print the version')
    .helpCommand('help [command]', 'help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    // failures are reported once, as one line, by runCli
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .addHelpText(
      'after',
      '\nConfigured by the environment (DATABASE_URL, GATEHOUSE_SECRET, …: see the README). Every command takes --json.\nExit codes: 0 done, 1 input refused or the command failed, 2 wrong command line.',
    );
  for (const register of COMMANDS) register(program);
  return program;
}

/** The deepest command the arguments name (for "see gatehouse user create --help"). */
function commandNamed(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    command = sub;
  }
  return command;
}

function path(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The one line a failure is told by, and the exit code it ends with. */
function failure(program: Command, argv: readonly string[], error: unknown): { message: string; code: number } {
  if (error instanceof CommanderError) {
    const command = commandNamed(program, argv);
    const see = `(see: ${path(command)} --help)`;
    // a command group without its command: commander would print the group's help on stderr
    if (error.code === 'commander.help')
      return { message: `"${path(command)}" needs a command: ${command.commands.map((c) => c.name()).join(', ')} ${see}`, code: 2 };
    const reason = error.message
      .replace(/^error: /, '')
      .split('\n')
      .join(' ');
    return { message: reason.includes('Did you mean') ? reason : `${reason} ${see}`, code: 2 };
  }
  if (error instanceof UsageError) return { message: `${error.message} (see: ${path(commandNamed(program, argv))} --help)`, code: 2 };
  if (error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConfigError) return { message: error.message, code: 1 };
  if ((error as { code?: unknown } | null)?.code === 'SQLITE_BUSY')
    return { message: `the database stayed locked by another process for ${CLI_LOCK_WAIT_MS / 1000} s (another apply, a backup?); try again`, code: 1 };
  return { message: (error as Error)?.message ?? String(error), code: 1 };
}

/** Runs the command line `argv` (without node and the script); exits with its code on failure. */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  // `gatehouse help user create`: commander's help command takes one level; --help takes any
  const args = argv[0] === 'help' && argv.length > 2 ? [...argv.slice(1), '--help'] : [...argv];
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    // help and --version asked for: printed on standard output, done
    if (error instanceof CommanderError && error.exitCode === 0) process.exit(0);
    const { message, code } = failure(program, args, error);
    process.stderr.write(`gatehouse: ${message.split('\n').join(' ')}\n`);
    process.exit(code);
  }
}
