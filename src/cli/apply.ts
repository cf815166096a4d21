// `gatehouse apply FILE|-`: makes the roles, scopes, users and clients of a YAML or JSON file
// exist as written (src/admin/apply.ts); --dry-run says what that would change and changes nothing.
import type { Command } from 'commander';
import { applyFile, type ApplyReport, type SectionName } from '../admin/apply.js';
import { applySchemaText } from '../admin/apply/schema.js';
import { APPLY_SECTIONS } from '../admin/apply/sections.js';
import { asOperator, print, UsageError, withJson, type JsonOption } from './cli-kit.js';

function reportLines(report: ApplyReport): string[] {
  const lines: string[] = [];
  for (const section of APPLY_SECTIONS) {
    const name = section.name as SectionName;
    for (const [key, outcome] of Object.entries(report[name])) {
      const fields = report.changed[name][key];
      const said = report.dryRun && outcome !== 'unchanged' ? `would be ${outcome}` : outcome;
      const secret = report.secretsToGenerate.includes(key) && name === 'clients' ? ' (a secret would be generated and shown once)' : '';
      lines.push(`${section.noun} ${key}: ${said}${fields ? ` (${fields.join(', ')})` : ''}${secret}`);
    }
  }
  for (const [id, secret] of Object.entries(report.generatedSecrets)) lines.push(`client ${id} secret (shown once): ${secret}`);
  return lines;
}

export function applyCommand(program: Command): void {
  withJson(
    program
      .command('apply')
      .description('create or update roles, scopes, users and clients, and set the gate routes, from a YAML or JSON file (- reads standard input)')
      .argument('[file]', 'the file to apply, or - for standard input')
      .option('--dry-run', 'say what would change (created, updated with which fields, unchanged) and change nothing')
      .option('--print-schema', "print the file's JSON Schema (docs/apply.schema.json) for editors, and apply nothing")
      .addHelpText(
        'after',
        '\nThe file is checked against its JSON Schema first: an unknown or misspelt key is refused by its path (clients[2].grantType).\nThe whole file is applied in one transaction; running it again changes nothing.',
      ),
  ).action(async (file: string | undefined, options: JsonOption & { dryRun?: boolean; printSchema?: boolean }) => {
    if (options.printSchema) {
      if (file !== undefined || options.dryRun) throw new UsageError('--print-schema takes no file and no --dry-run');
      process.stdout.write(applySchemaText());
      return;
    }
    if (file === undefined) throw new UsageError('apply needs a FILE (or - for standard input)');
    const report = await asOperator((ctx) => applyFile(ctx, file, { dryRun: options.dryRun === true }));
    const lines = reportLines(report);
    const text = report.dryRun ? ['Dry run: nothing was changed.', ...lines].join('\n') : lines.join('\n') || 'Nothing to apply.';
    print(options, report, text);
  });
}
