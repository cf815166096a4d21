// The options of `client create` and `client update`, made from the table of client fields
// (src/admin/client-fields.ts): a field the table gains is an option here without more code.
import type { Command } from 'commander';
import { CLIENT_FIELDS } from '../admin/client-fields.js';
import type { ClientInput } from '../admin/client-input.js';
import { collect, UsageError, wholeNumber } from './cli-kit.js';

/** commander's attribute for `--some-option` (and `--no-some-option`). */
const attribute = (flag: string): string => flag.replace(/^no-/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The options each command was given, by name (`pkce`, `no-pkce`): both of a pair is a contradiction. */
const given = new WeakMap<Command, Set<string>>();

function track(command: Command, name: string): void {
  command.on(`option:${name}`, () => given.get(command)?.add(name));
}

/** Adds an option (or a pair of switches) for every field the CLI may set. */
export function addClientOptions(command: Command): Command {
  given.set(command, new Set());
  for (const f of CLIENT_FIELDS) {
    const cli = f.cli;
    if (!cli) continue;
    if ('option' in cli) {
      const flags = `--${cli.option} <${cli.value}>`;
      if (cli.repeatable) command.option(flags, cli.description, collect);
      else if (f.kind === 'seconds') command.option(flags, `${cli.description}, in seconds`, wholeNumber(`--${cli.option}`, 0, Number.MAX_SAFE_INTEGER));
      else command.option(flags, cli.description);
      if (cli.clearable)
        command.option(`--no-${cli.option}`, f.kind === 'user' ? 'no default user' : f.kind === 'choice' ? 'the default' : `none (empties the list)`);
      for (const name of [cli.option, `no-${cli.option}`]) track(command, name);
    } else {
      command.option(`--${cli.on}`, cli.description);
      command.option(`--${cli.off}`);
      for (const name of [cli.on, cli.off]) track(command, name);
    }
  }
  return command;
}

/** The fields the options set; options left out are left out (create: defaults; update: unchanged). */
export function clientInputFromOptions(command: Command): Omit<Partial<ClientInput>, 'clientId'> {
  const options = command.opts();
  const input: Record<string, unknown> = {};
  const seen = given.get(command) ?? new Set<string>();
  const contradict = (a: string, b: string) => {
    if (seen.has(a) && seen.has(b)) throw new UsageError(`--${a} and --${b} contradict each other`);
  };
  for (const f of CLIENT_FIELDS) {
    const cli = f.cli;
    if (!cli) continue;
    if ('option' in cli) {
      if (cli.clearable) contradict(cli.option, `no-${cli.option}`);
      const value = options[attribute(cli.option)];
      if (value === undefined) continue;
      input[f.name] = value === false ? (f.kind === 'user' || f.kind === 'choice' ? null : []) : value;
    } else {
      contradict(cli.on, cli.off);
      if (cli.off === `no-${cli.on}`) {
        const value = options[attribute(cli.on)];
        if (value !== undefined) input[f.name] = value === true;
      } else if (options[attribute(cli.on)] === true) input[f.name] = true;
      else if (options[attribute(cli.off)] === true) input[f.name] = false;
    }
  }
  return input;
}
