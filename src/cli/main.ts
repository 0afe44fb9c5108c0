import { InputError } from '../util/errors.ts';
import { UsageError } from './args.ts';
import { EXPERIMENT_USAGE, experimentCommand } from './experiment-command.ts';
import { INSPECT_USAGE, inspectCommand } from './inspect-command.ts';
import { SIMULATE_USAGE, simulateCommand } from './simulate-command.ts';
import { STV_USAGE, stvCommand } from './stv-command.ts';
import { QUALITY_USAGE, qualityCommand } from './quality-command.ts';
import { TRAIN_USAGE, trainCommand } from './train-command.ts';
import { DETECT_USAGE, detectCommand } from './detect-command.ts';

type Command = { run: (args: string[]) => Promise<number>; usage: string; summary: string };

const COMMANDS: Record<string, Command> = {
  stv: { run: stvCommand, usage: STV_USAGE, summary: 'extract call paths and write service trace vectors' },
  inspect: { run: inspectCommand, usage: INSPECT_USAGE, summary: 'summarise a trace export or STV file as JSON' },
  experiment: { run: experimentCommand, usage: EXPERIMENT_USAGE, summary: 'run an experiment (paper table, ablation) and write its report' },
  simulate: { run: simulateCommand, usage: SIMULATE_USAGE, summary: 'simulate labelled traces: the TrainTicket testbed or company-S-like services' },
  train: { run: trainCommand, usage: TRAIN_USAGE, summary: 'train a TraceAnomaly model on normal traces' },
  quality: { run: qualityCommand, usage: QUALITY_USAGE, summary: 'the CI quality gate: a small experiment against committed thresholds' },
  detect: { run: detectCommand, usage: DETECT_USAGE, summary: 'score traces with a trained model: log p(x), p-value, verdict' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: traceanomaly <command> [options]   (traceanomaly <command> --help for details)\n\nCommands:\n${lines.join('\n')}`;
}

/** Runs the CLI; returns the exit code (0 ok, 1 bad input or failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`traceanomaly: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`traceanomaly ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`traceanomaly ${name}: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
