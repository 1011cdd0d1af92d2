/**
 * Runs an async task so that runs never overlap: a `run()` while one is in flight asks for exactly
 * one more run after it (any number of such calls coalesce into that one) and answers the in-flight
 * run's promise. The task's own errors are its business: it should not reject.
 */
export class CoalescingTask {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.task().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.run();
      }
    });
    return this.running;
  }
}
