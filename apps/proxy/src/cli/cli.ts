import * as os from 'node:os';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { isDomainError } from '@app/common';
import { launchProxy } from '../bootstrap';
import { ConfigError, loadConfig } from '../config/config.loader';
import { ProxyConfig } from '../config/proxy.config';
import { packageRoot, VERSION } from '../version';
import { launchOptions, toConfigValues } from './launch.options';
import { addNetworkCommands } from './network.commands';
import { addReportCommands } from './report.commands';

/** Single-dash long flags from the seed page and older Weave scripts, mapped to commander's form. */
const LEGACY_FLAGS: Record<string, string> = { '-iprange': '--iprange' };

export function normaliseArgv(argv: string[]): string[] {
  return argv.map((a) => {
    const [flag, ...rest] = a.split('=');
    const mapped = LEGACY_FLAGS[flag];
    return mapped ? [mapped, ...rest].join('=') : a;
  });
}

function buildProgram(onLaunch: (config: ProxyConfig) => Promise<void>): Command {
  const program = new Command('weave')
    .description('Weave Net Docker API proxy')
    .version(VERSION, '--version')
    .exitOverride()
    .showHelpAfterError();
  program.command('version').description('print the version').action(() => console.log(`weave-proxy ${VERSION}`));
  addReportCommands(program);
  addNetworkCommands(program);
  const launch = program
    .command('launch-proxy')
    .description('run the Docker API proxy in the foreground')
    .exitOverride()
    .showHelpAfterError();
  for (const option of launchOptions()) launch.addOption(option);
  launch.action(async (opts: Record<string, unknown>) => {
    const values = toConfigValues(opts);
    values.hostId ||= os.hostname();
    values.weavewaitDir ||= path.join(packageRoot(), 'dist', 'weavewait');
    await onLaunch(loadConfig(values));
  });
  return program;
}

/** Runs the `weave` command line; resolves with the process exit code. */
export async function runCli(argv: string[], onLaunch = launchProxy): Promise<number> {
  const program = buildProgram(onLaunch);
  try {
    await program.parseAsync(normaliseArgv(argv));
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`weave launch-proxy: ${p}`);
      console.error("Run 'weave launch-proxy --help' for usage.");
      return 2;
    }
    console.error(`weave: ${isDomainError(err) ? err.message : (err as Error).stack}`);
    return 1;
  }
}
