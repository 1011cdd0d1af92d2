import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError, SpawnCommandRunner } from './command.runner';

describe('SpawnCommandRunner', () => {
  test('answers stdout; a failing command is a CommandError with its stderr and exit code', async () => {
    const runner = new SpawnCommandRunner();
    assert.equal(await runner.run('sh', ['-c', 'cat'], 'in'), 'in');
    await assert.rejects(runner.run('sh', ['-c', 'echo nope >&2; exit 3']), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.equal(err.exitCode, 3);
      assert.match(err.message, /: nope$/);
      return true;
    });
  });

  test('a command that does not exit by the deadline is killed and fails with "timed out" (issue 14 item 5)', async () => {
    const runner = new SpawnCommandRunner(100);
    await assert.rejects(runner.run('sleep', ['30']), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.equal(err.message, 'sleep 30: timed out after 0.1s');
      return true;
    });
    // A command that ignores its stdin and keeps its pipes open is killed just the same.
    await assert.rejects(runner.run('sh', ['-c', 'sleep 30 & wait'], 'x'), /timed out after 0\.1s/);
  });
});
