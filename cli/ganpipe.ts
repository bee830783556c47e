#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isGanpipeError } from '../core/errors';
import { packageVersions } from '../core/util/package-versions';
import { terminalSafe } from '../core/util/terminal-safe';
import { backfillCommand } from './backfill-command';
import { diffCommand } from './diff-command';
import { inspectCommand } from './inspect-command';
import { replayCommand } from './replay-command';
import { resumeCommand } from './resume-command';
import { trainCommand } from './train-command';
import { warnLine } from './console-output';

// `ganpipe inspect … | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(argv: string[]): Promise<void> {
  const program = new Command('ganpipe')
    .description('event-sourced GAN training: every step an event, plugins through hooks')
    .version(packageVersions().ganpipe ?? 'unknown', '-V, --version', 'print the version of ganpipe')
    .exitOverride()
    .addCommand(trainCommand().exitOverride())
    .addCommand(backfillCommand().exitOverride())
    .addCommand(inspectCommand().exitOverride())
    .addCommand(replayCommand().exitOverride())
    .addCommand(diffCommand().exitOverride())
    .addCommand(resumeCommand().exitOverride());
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // User errors: one line, exit 2. Commander has already printed its own message.
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isGanpipeError(error)) {
      // Capped: a message quoting a hostile log or config could otherwise run on for pages.
      warnLine(terminalSafe(error.message, 1000));
      process.exitCode = 2;
      return;
    }
    // Anything else is a bug: keep the stack.
    warnLine(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

void main(process.argv);
