import { buildApp } from './app.js';
import { closeOnSignals, loadConfigOrExit, runEntryPoint } from './entry-point.js';

runEntryPoint('IIOE Credentials', async () => {
  const config = loadConfigOrExit();
  const app = await buildApp({ config });
  closeOnSignals(app, { deadlineMs: 10_000 });

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `IIOE Credentials listening on http://${config.host}:${config.port} (Node ${process.version}, public URL ${config.publicBaseUrl}, database: ${config.database.kind}); API docs at ${config.publicBaseUrl}/docs`,
  );
});
