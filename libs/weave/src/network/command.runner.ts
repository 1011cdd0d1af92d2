import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { DomainError, ERRORS } from '@app/common';

/** A host command (ip, nsenter, iptables) failed; `message` carries its stderr's first line. */
export class CommandError extends DomainError {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(ERRORS.WPX_COMMAND_FAILED, `${command}: ${stderr.trim().split('\n')[0] || `exit code ${exitCode}`}`);
  }
}

/** Runs host commands. Behind an interface so the network driver can be tested without root. */
export interface CommandRunner {
  /** `fds`: open descriptors the command gets as fd 3, 4, ... (a namespace handle). */
  run(file: string, args: string[], input?: string, fds?: number[]): Promise<string>;
}

/**
 * Runs each command as a child process with a deadline (default 10 s): a command that has not
 * exited by then is killed (SIGKILL) and fails with "timed out", so no attach waits on a stuck
 * `ip` or `nsenter` for ever.
 */
export class SpawnCommandRunner implements CommandRunner {
  constructor(private readonly timeoutMs = 10_000) {}

  run(file: string, args: string[], input?: string, fds: number[] = []): Promise<string> {
    return new Promise((resolve, reject) => {
      const command = [file, ...args].join(' ');
      const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe', ...fds] }) as ChildProcessWithoutNullStreams;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      // Answers at once: a grandchild that inherited the pipes may keep them open after the kill.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
        settle(() => reject(new CommandError(command, `timed out after ${this.timeoutMs / 1000}s`, null)));
      }, this.timeoutMs);
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e) => settle(() => reject(new CommandError(file, e.message, null))));
      child.on('close', (code) => {
        if (code === 0) settle(() => resolve(Buffer.concat(out).toString('utf8')));
        else settle(() => reject(new CommandError(command, Buffer.concat(err).toString('utf8'), code)));
      });
      // A child that exits before reading its input (nsenter into a namespace that just went
      // away) closes the pipe: that EPIPE is reported through 'close', never thrown.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }
}
