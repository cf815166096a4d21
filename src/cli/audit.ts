// `gatehouse audit tail`: the newest audit entries, oldest first.
import type { Command } from 'commander';
import { asOperator, print, wholeNumber, withJson, type JsonOption } from './cli-kit.js';

export function auditCommand(program: Command): void {
  const audit = program.command('audit').description('the audit log');

  withJson(
    audit
      .command('tail')
      .description('the newest audit entries, oldest first')
      .option('-n, --lines <count>', 'how many (1 to 99999)', wholeNumber('-n', 1, 99_999), 50),
  ).action(async (options: JsonOption & { lines: number }) => {
    const entries = (await asOperator((_ctx, store) => store.audit.tail(options.lines))).reverse();
    print(
      options,
      entries,
      entries
        .map((e) =>
          [
            new Date(e.at).toISOString(),
            e.outcome.padEnd(7),
            e.event,
            e.userId !== null ? `user=${e.userId}` : '',
            e.clientId ? `client=${e.clientId}` : '',
            e.ip ? `ip=${e.ip}` : '',
            e.endpoint ?? '',
            e.detail ?? '',
          ]
            .filter(Boolean)
            .join('  '),
        )
        .join('\n') || 'The audit log is empty.',
    );
  });
}
