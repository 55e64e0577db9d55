import {
  coreServices,
  createServiceFactory,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { inspect } from 'node:util';

/** One log line as a plugin (or the backend) wrote it, meta and errors included. */
export interface CapturedLogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  /** The child logger's fields and the line's own metadata, errors with stack and cause. */
  meta: string;
}

class CapturingLogger implements RootLoggerService {
  constructor(
    private readonly lines: CapturedLogLine[],
    private readonly fields: JsonObject,
  ) {}

  error(message: string, meta?: Error | JsonObject) {
    this.write('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.write('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.write('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.write('debug', message, meta);
  }
  child(meta: JsonObject): CapturingLogger {
    return new CapturingLogger(this.lines, { ...this.fields, ...meta });
  }

  private write(
    level: CapturedLogLine['level'],
    message: unknown,
    meta: unknown,
  ) {
    // util.inspect shows what a log transport could: every own field, errors'
    // stacks, causes and extra properties (a knex error's connection details).
    this.lines.push({
      level,
      message: typeof message === 'string' ? message : inspect(message),
      meta: inspect(
        { fields: this.fields, meta },
        { depth: 10, breakLength: Infinity, maxStringLength: Infinity },
      ),
    });
  }
}

/**
 * A root logger that keeps every line of every plugin, at every level, unredacted: the
 * trust suite scans them for secrets (the production logger would redact configured
 * secrets, which would hide a leak from this test).
 */
export function capturingRootLogger() {
  const lines: CapturedLogLine[] = [];
  return {
    lines,
    factory: createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => new CapturingLogger(lines, {}),
    }),
  };
}
