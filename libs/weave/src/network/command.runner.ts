import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { DomainError } from '@app/common';

/** A host command (ip, nsenter, iptables) failed; `message` carries its stderr's first line. */
export class CommandError extends DomainError {
  readonly code = 'WPX_COMMAND_FAILED';
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`${command}: ${stderr.trim().split('\n')[0] || `exit code ${exitCode}`}`);
  }
}

/** Runs host commands. Behind an interface so the network driver can be tested without root. */
export interface CommandRunner {
  /** `fds`: open descriptors the command gets as fd 3, 4, ... (a namespace handle). */
  run(file: string, args: string[], input?: string, fds?: number[]): Promise<string>;
}

export class SpawnCommandRunner implements CommandRunner {
  run(file: string, args: string[], input?: string, fds: number[] = []): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe', ...fds] }) as ChildProcessWithoutNullStreams;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e) => reject(new CommandError(file, e.message, null)));
      child.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else reject(new CommandError([file, ...args].join(' '), Buffer.concat(err).toString('utf8'), code));
      });
      // A child that exits before reading its input (nsenter into a namespace that just went
      // away) closes the pipe: that EPIPE is reported through 'close', never thrown.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }
}
