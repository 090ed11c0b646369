import pino, { type Logger } from 'pino';

export type { Logger };

/** pino JSON; pretty when a person is watching the terminal. */
export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY && process.env.CI !== 'true';
  return pino({
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss' } } } : {}),
  });
}
