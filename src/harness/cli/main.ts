import { oneLine } from './script.ts';
import { InputError, UsageError } from '../../lib/util/errors.ts';
import { ArgumentsParsed } from './args.ts';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';
import { didYouMean } from '../../lib/util/suggest.ts';
import { packageVersion } from '../experiments/versions.ts';
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
  return `Usage: traceanomaly <command> [options]
       traceanomaly help <command>       (or traceanomaly <command> --help): that command's options
       traceanomaly --version            (-V): the harness version

Commands:
${lines.join('\n')}

Any command takes --debug (or TRACEANOMALY_DEBUG=1): an error then also prints its stack trace.
Exit status: 0 done; 1 a failure (bad input, a failed cell, a quality check missed); 2 a usage error (an unknown
command, option or experiment name, a missing or malformed argument: the message says which, with the usage).`;
}

/** A usage error of the top level: the message (with the closest command), then the usage, on stderr; exit 2. */
function topLevelUsageError(message: string): number {
  process.stderr.write(`traceanomaly: ${message}\n\n${usage()}\n`);
  return 2;
}

const unknownCommand = (name: string): string => `unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}`;

/** Whether errors print their stack trace: `--debug` anywhere in the arguments, or TRACEANOMALY_DEBUG=1. */
export function debugWanted(argv: readonly string[]): boolean {
  return argv.includes('--debug') || /^(1|true|yes)$/i.test(process.env.TRACEANOMALY_DEBUG ?? '');
}

/** Writes the one line of a failed command (and, when debugging, the stack); returns its exit code. */
export function reportError(command: string | undefined, e: unknown, debug: boolean): number {
  const prefix = command === undefined ? 'traceanomaly' : `traceanomaly ${command}`;
  const expected = e instanceof InputError;
  const hint = expected || debug ? '' : ' (an unexpected error: --debug prints its stack trace)';
  // on a terminal, first take away a progress bar's live line
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${prefix}: error: ${oneLine(e)}${hint}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}

/**
 * For the bin launcher: an error that escapes every command (a stream or worker failing outside an awaited
 * promise) ends the process as any other error does, one line and exit 1, before a library's own handler
 * (tfjs' wasm backend rethrows, which exits 7 with its minified source) can run.
 */
export function installExitHandlers(argv: readonly string[]): void {
  const debug = debugWanted(argv);
  const command = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? argv[0] : undefined;
  const fatal = (e: unknown) => {
    process.exitCode = reportError(command, e, debug);
    process.exit();
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}

/** Runs the CLI; returns the exit code (0 ok, 1 bad input or failure, 2 usage error). Never throws. */
export async function main(argv: string[]): Promise<number> {
  const debug = debugWanted(argv);
  const [name, ...args] = argv.filter((a) => a !== '--debug');
  if (name === undefined) return topLevelUsageError('no command given');
  if (name === '--version' || name === '-V') {
    console.log(packageVersion(PROJECT_ROOT) ?? 'unknown');
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic === undefined) {
      console.log(usage());
      return 0;
    }
    if (!Object.hasOwn(COMMANDS, topic)) return topLevelUsageError(unknownCommand(topic));
    console.log(COMMANDS[topic].usage);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return topLevelUsageError(name.startsWith('-') ? `unknown option ${name} (options come after the command)` : unknownCommand(name));
  try {
    return await command.run(args);
  } catch (e) {
    if (e instanceof ArgumentsParsed) return 0;
    if (e instanceof UsageError) {
      process.stderr.write(`traceanomaly ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    return reportError(name, e, debug);
  }
}
