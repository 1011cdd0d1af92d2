import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { RaceWorkerConfig, RaceWorkerReport } from './race.worker';

export interface RaceRun {
  readonly reports: RaceWorkerReport[];
  readonly children: ChildProcess[];
}

/**
 * Forks one `race.worker` per config, starts them together once all have opened their store, and
 * returns their reports. Children of `hold` configs are still running (kill them).
 */
export async function runRace(configs: RaceWorkerConfig[]): Promise<RaceRun> {
  const children = configs.map((config) =>
    fork(join(__dirname, 'race.worker.js'), [JSON.stringify(config)], { stdio: 'inherit' }),
  );
  const exited = children.map((child) => exitOf(child));
  await Promise.all(children.map((child) => nextMessage(child)));
  const reports = children.map((child) => nextMessage(child) as Promise<RaceWorkerReport>);
  children.forEach((child) => child.send('go'));
  const done = await Promise.all(reports);
  await Promise.all(exited.filter((_, i) => !configs[i].hold));
  return { reports: done, children };
}

/** The child's next message; rejects if it exits first (a crash must fail the test, not hang it). */
function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`race worker exited with code ${code} before reporting`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
