import { createPrivateKey } from 'node:crypto';
import { compactDecrypt } from 'jose';
import t from 'tap';
import { signingKeys } from '../../../src/db/schema/index.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';

/** Every encoding in which a 32-byte private seed could leak. */
function encodingsOf(seed: Buffer): string[] {
  return [seed.toString('hex'), seed.toString('base64'), seed.toString('base64url'), seed.toString('base64').replace(/=+$/, '')];
}

t.test('private keys are encrypted at rest and never logged or returned', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const token = await demoToken(testApp);
  const issued = await issue(app, token, { achievementId: await firstAchievementId(app), recipient: { name: 'Key Checker' } });
  t.equal(issued.statusCode, 201);

  const rows = await app.ctx.db.select().from(signingKeys);
  t.ok(rows.length >= 3, 'platform assertion key, access-token key and centre key exist');
  t.notOk('masterKey' in app.ctx.config, 'services are not handed the master key');
  t.notOk('masterKey' in app.ctx, 'nor is it elsewhere in their context');
  const masterKey = Buffer.from(testApp.masterKey, 'base64url');
  const seeds: Buffer[] = [];
  for (const row of rows) {
    t.match(row.encryptedPrivateKey, /^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/, 'stored as a compact JWE with direct encryption');
    const { plaintext, protectedHeader } = await compactDecrypt(row.encryptedPrivateKey!, masterKey);
    t.same({ alg: protectedHeader.alg, enc: protectedHeader.enc, kid: protectedHeader.kid }, { alg: 'dir', enc: 'A256GCM', kid: row.publicKeyMultibase });
    const jwk = createPrivateKey({ key: Buffer.from(plaintext), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
    seeds.push(Buffer.from(jwk.d!, 'base64url'));
  }

  // The raw rows as PostgreSQL returns them, every column as text.
  const raw = JSON.stringify(await app.ctx.database.db.execute('select * from signing_keys'));
  const responses = [
    issued.body,
    (await app.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).body,
    (await app.inject({ method: 'GET', url: '/.well-known/did.json' })).body,
    (await app.inject({ method: 'GET', url: '/centres/egypt-demo' })).body,
  ].join('\n');
  const logs = testApp.logs.join('');
  t.ok(logs.length > 0, 'the app did log');
  for (const seed of seeds) {
    for (const encoding of encodingsOf(seed)) {
      t.notOk(raw.includes(encoding), 'no private key bytes in the database rows');
      t.notOk(responses.includes(encoding), 'no private key bytes in any response');
      t.notOk(logs.includes(encoding), 'no private key bytes in the logs');
    }
  }
  t.notOk(logs.includes(testApp.demoClient.client_secret), 'the client secret is not logged');
  t.notOk(logs.includes(token), 'the access token is not logged');
});

t.test('a stored key moved to another row is refused', async (t) => {
  const testApp = await build(t);
  const { db } = testApp.app.ctx;
  const [a, b] = await db.select().from(signingKeys).limit(2);
  const { decryptPrivateKey } = await import('../../../src/vc/keys.js');
  const masterKey = Buffer.from(testApp.masterKey, 'base64url');
  await t.rejects(decryptPrivateKey(a!.encryptedPrivateKey!, b!.publicKeyMultibase, masterKey), /does not belong to the public key/);
});

t.test('master-key rotation re-encrypts every stored key; only the new master key opens them', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const { reencryptAllKeys } = await import('../../../src/modules/keys/master-key-rotation.js');
  const { decryptPrivateKey } = await import('../../../src/vc/keys.js');
  const oldKey = Buffer.from(testApp.masterKey, 'base64url');
  const newKey = Buffer.alloc(32, 42);
  const count = await reencryptAllKeys({ db: app.ctx.db, oldKey, newKey });
  const rows = (await app.ctx.db.select().from(signingKeys)).filter((row) => row.encryptedPrivateKey);
  t.equal(count, rows.length);
  for (const row of rows) {
    t.ok(await decryptPrivateKey(row.encryptedPrivateKey!, row.publicKeyMultibase, newKey));
    await t.rejects(decryptPrivateKey(row.encryptedPrivateKey!, row.publicKeyMultibase, oldKey), /not the one it was encrypted with/);
  }
});
