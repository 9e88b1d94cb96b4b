import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee the configuration table in docs/operations.md.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await buildApp({ config });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `IIOE Credentials listening on http://${config.host}:${config.port} (Node ${process.version}, public URL ${config.publicBaseUrl}, database: ${config.database.kind}); API docs at ${config.publicBaseUrl}/docs`,
  );
}

main().catch((error) => {
  process.stderr.write(`IIOE Credentials failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
