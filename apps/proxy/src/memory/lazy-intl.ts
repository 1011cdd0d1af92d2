const RealDateTimeFormat = Intl.DateTimeFormat;

/**
 * Runs `load` (a require) while `Intl.DateTimeFormat` makes formatters that build the real one only
 * when first used, then puts the real constructor back. Why: @nestjs/common's ConsoleLogger builds a
 * DateTimeFormat at load time, and building one maps about 5 MB of node's ICU locale and time-zone
 * data into the process (measured, issue 13); the proxy logs through pino and never calls it.
 */
export function loadWithLazyDateTimeFormat<T>(load: () => T): T {
  const intl = Intl as { DateTimeFormat: unknown };
  intl.DateTimeFormat = lazyDateTimeFormat;
  try {
    return load();
  } finally {
    intl.DateTimeFormat = RealDateTimeFormat;
  }
}

/** Called with or without `new`: a stand-in that forwards everything to the real formatter. */
function lazyDateTimeFormat(locales?: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let real: Intl.DateTimeFormat | undefined;
  const made = (): Intl.DateTimeFormat => (real ??= new RealDateTimeFormat(locales, options));
  return new Proxy({} as Intl.DateTimeFormat, {
    get(_, key) {
      const target = made();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
