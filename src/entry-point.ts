// What the long-running entry points (`server.ts` listens, `worker.ts` works jobs) share: configuration that
// refuses to start with a clear message, a graceful stop on SIGTERM/SIGINT, and a readable start-up failure.
import type { FastifyInstance } from 'fastify';
import { type Config, ConfigError, loadConfig } from './config.js';

/**
 * The validated configuration, or exit 78 (EX_CONFIG) with every problem named: a supervisor (systemd,
 * Docker's restart policy) then sees a configuration error, not a crash worth retrying at once.
 * `requirements` adds what only this entry point needs (each returned text is one problem).
 */
export function loadConfigOrExit(requirements: (config: Config) => string[] = () => []): Config {
  try {
    const config = loadConfig();
    const problems = requirements(config);
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee the configuration table in docs/operations.md.\n`);
    process.exit(78);
  }
}

/**
 * On SIGTERM or SIGINT, closes the app (its onClose hooks stop the job workers after their current step, then
 * the queue, then the database) and exits 0; a close that outlasts `deadlineMs` exits 1 so a stuck
 * process never outlives its supervisor's patience.
 */
export function closeOnSignals(app: FastifyInstance, { deadlineMs }: { deadlineMs: number }): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ deadlineMs }, 'shutdown took too long; exiting without waiting further');
      process.exit(1);
    }, deadlineMs).unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// The oldest Node the service runs on (package.json "engines"): pg-boss 12 needs Node 22, and on Node 20 the
// in-process queue over the embedded database stalls the event loop once a batch is queued, without any error.
const MINIMUM_NODE = [22, 12] as const;

export function nodeIsSupported(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
}

/**
 * Runs an entry point's `main`; a failure to start is one line on stderr and exit 1. An unsupported Node is
 * refused before anything starts, with the way to the right one.
 */
export function runEntryPoint(what: string, main: () => Promise<void>): void {
  if (!nodeIsSupported()) {
    process.stderr.write(
      `${what} needs Node ${MINIMUM_NODE.join('.')} or later; this is Node ${process.versions.node}. Start it through npm (npm start, npm run worker), which uses the Node 22 that npm install puts in node_modules, or install Node 22 LTS.\n`,
    );
    process.exit(1);
  }
  main().catch((error) => {
    process.stderr.write(`${what} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
