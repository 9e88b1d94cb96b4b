import t from 'tap';
import { loadConfig } from '../../src/config.js';

t.test('database and HTTP timeouts have bounded defaults', async (t) => {
  const config = loadConfig({});
  t.same(config.databaseTimeouts, { connectMs: 1500, statementMs: 2000, readinessMs: 500 });
  t.same(config.httpTimeouts, { headersMs: 10_000, requestMs: 30_000 });
});

t.test('timeouts are configurable and refused when nonsensical', async (t) => {
  const config = loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '800', DATABASE_STATEMENT_TIMEOUT_MS: '30000', READINESS_TIMEOUT_MS: '250', HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '120000' });
  t.same(config.databaseTimeouts, { connectMs: 800, statementMs: 30_000, readinessMs: 250 });
  t.same(config.httpTimeouts, { headersMs: 5000, requestMs: 120_000 });
  t.throws(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '0' }), /DATABASE_CONNECT_TIMEOUT_MS/);
  t.throws(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: 'soon' }), /DATABASE_STATEMENT_TIMEOUT_MS/);
  t.throws(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' }), /HTTP_REQUEST_TIMEOUT_MS/, 'no request timeout is not an option');
  t.throws(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }), /HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/);
});
