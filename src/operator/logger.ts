import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

/** `json`: one object per line, for log collectors; `pretty`: readable lines, for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * `auto` is pretty only where a person reads the output (stdout is a terminal): a pod's stdout, a
 * pipe or a file get JSON, which is what log collectors and tests parse.
 */
export function chooseLogFormat(requested: LogFormat | 'auto', stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  if (requested !== 'auto') return requested;
  return stdout.isTTY ? 'pretty' : 'json';
}

function prettyStream(destination?: NodeJS.WritableStream): DestinationStream {
  // Loaded only at a terminal: the operator in a pod never needs it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    // Synchronous, like pino's own stdout stream: the last lines before process.exit are not lost.
    sync: true,
    colorize: !destination && (process.stdout.hasColors?.() ?? false),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app',
    singleLine: true,
    ...(destination ? { destination } : {}),
  });
}

/** Logs one event per line, at the level the operator is started with (JSON unless told otherwise). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', format: LogFormat = 'json', destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { app: 'dcos-operator' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'pretty') return pino(options, prettyStream(destination));
  return destination ? pino(options, destination as DestinationStream) : pino(options);
}
