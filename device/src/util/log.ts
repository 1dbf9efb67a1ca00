/** Minimal levelled logger: one line per event, `LOG_LEVEL` = debug|info|warn|error (default info). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, extra?: Record<string, unknown>): void;
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

function threshold(): number {
  const lvl = (process.env.LOG_LEVEL ?? 'info') as LogLevel;
  return order[lvl] ?? order.info;
}

export function createLogger(scope: string): Logger {
  const emit = (level: LogLevel, msg: string, extra?: Record<string, unknown>) => {
    if (order[level] < threshold()) return;
    const tail = extra && Object.keys(extra).length ? ' ' + JSON.stringify(extra) : '';
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${msg}${tail}`;
    // Logs go to stderr, always: stdout belongs to a command's output (`npm run faces -- … | jq`).
    process.stderr.write(line + '\n');
  };
  return {
    debug: (m, e) => emit('debug', m, e),
    info: (m, e) => emit('info', m, e),
    warn: (m, e) => emit('warn', m, e),
    error: (m, e) => emit('error', m, e),
    child: (s) => createLogger(`${scope}:${s}`),
  };
}
