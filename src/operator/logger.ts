import { pino, type Logger } from 'pino';

/** Structured JSON logs, one line per event, at the level the operator is started with. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'dcos-operator' }, timestamp: pino.stdTimeFunctions.isoTime });
}
