// `npm run worker`: works the job queue (cohort batch rows, e-mail deliveries) beside API processes that run
// with JOBS_IN_PROCESS=false, on the same PostgreSQL database; it listens for no HTTP. Start as many as the
// signing load needs: pg-boss hands each job to one of them, and a worker that dies mid-job (even SIGKILL)
// leaves it to be taken over by another once its heartbeat stops.
import { buildApp } from './app.js';
import { closeOnSignals, loadConfigOrExit, runEntryPoint } from './entry-point.js';

// Longer than the queue's own graceful stop (10 s for jobs in flight), so that stop normally completes.
const SHUTDOWN_DEADLINE_MS = 15_000;

runEntryPoint('IIOE Credentials worker', async () => {
  const config = loadConfigOrExit((config) =>
    config.database.kind === 'pglite'
      ? [
          'DATABASE_URL is not set: a separate worker needs PostgreSQL. The embedded database (PGlite) can be opened by one process only, and `npm start` already works the jobs in that process.',
        ]
      : [],
  );
  // This process works jobs whatever JOBS_IN_PROCESS says (the API processes are the ones it turns off), and it
  // leaves the demo data to the API process that writes the demo client file.
  const app = await buildApp({ config: { ...config, demo: false, jobs: { ...config.jobs, inProcess: true } } });
  closeOnSignals(app, { deadlineMs: SHUTDOWN_DEADLINE_MS });
  await app.ready(); // starts the workers (an onReady hook of the app)
  app.log.info(`IIOE Credentials worker running (Node ${process.version}, database: postgres): it listens for no HTTP; stop it with SIGTERM`);
});
