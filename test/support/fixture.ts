/**
 * A fixture shared by several tests of one file and built by whichever of them needs it first, so
 * that any one test can run alone (`--test-name-pattern`) and the expensive setup still runs once
 * when they all run. A failed build is remembered: every test that needs it reports that failure.
 */
export function shared<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
}
