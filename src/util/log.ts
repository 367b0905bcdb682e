/** Structured logging: one JSON object per line on stderr, filtered by level. */
export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether messages of this level are written: hot paths ask before building their fields. */
  enabled(level: LogLevel): boolean;
}

export type LogSink = (line: string) => void;

export function createLogger(level: LogLevel, sink: LogSink = (line) => process.stderr.write(line + '\n')): Logger {
  const threshold = logLevels.indexOf(level);
  const enabled = (lvl: LogLevel) => logLevels.indexOf(lvl) >= threshold;
  const ignore = () => undefined;
  const emit = (lvl: LogLevel) =>
    enabled(lvl) ? (msg: string, fields?: Record<string, unknown>) => sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })) : ignore;
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), enabled };
}

export function isLogLevel(value: string): value is LogLevel {
  return (logLevels as readonly string[]).includes(value);
}
