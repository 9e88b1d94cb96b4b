import { readFile } from 'node:fs/promises';
import { desc, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { credentials, registryVersions, statusLists } from '../../src/db/schema/index.js';
import { build, demoToken, firstAchievementId } from '../helper.js';
import { issuedCredential, type Json, listIdOf, verify } from '../support/status-lists.js';
import { stockVerifier } from '../support/stock-verifier.js';

// drizzle/0005_proof_as_array.sql: documents stored while the signer wrote `proof` as an object become the
// one-element array, with their signatures intact and in the exact bytes the signer writes today. The legacy rows
// are made from documents the real signer produced (the signature is the same either way: `proof` is not signed
// over), stored as the old code stored them; then the migration's own SQL runs on them.

const MIGRATION = new URL('../../drizzle/0005_proof_as_array.sql', import.meta.url);
const statements = (await readFile(MIGRATION, 'utf8')).split('--> statement-breakpoint');

const testApp = await build(t);
const { app } = testApp;
const { db } = app.ctx;
const token = await demoToken(testApp);
const { id, credential } = await issuedCredential(app, token, await firstAchievementId(app), 'Amina El-Sayed');
const listId = listIdOf(credential);
// a list is signed when first served
if ((await app.inject({ method: 'GET', url: `/status/${listId}` })).statusCode !== 200) throw new Error('the status list is not served');
const stock = stockVerifier(app);

/** A document as the signer stored it before issue 10: the same bytes, with `proof` as the object it held. */
const legacy = (document: Json) => JSON.stringify({ ...document, proof: (document.proof as Json[])[0] });
// in one transaction, as drizzle's migrator runs it (its helper function lives in the session's pg_temp)
const runMigration = () =>
  db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
const storedCredential = async () => (await db.select({ document: credentials.document }).from(credentials).where(eq(credentials.id, id)))[0]!.document!;
const storedList = async () => (await db.select({ document: statusLists.document }).from(statusLists).where(eq(statusLists.id, listId)))[0]!.document!;
const latestRegistry = async () => (await db.select().from(registryVersions).orderBy(desc(registryVersions.version)).limit(1))[0]!;

const current = {
  credential: JSON.stringify(credential),
  list: await storedList(),
  registry: (await latestRegistry()).document,
};
for (const [what, document] of Object.entries(current)) {
  t.ok(Array.isArray((JSON.parse(document) as Json).proof), `the signer now writes the ${what}'s proof as an array`);
}

t.test('legacy documents become the array form, byte for byte what the signer writes now', async (t) => {
  const registry = await latestRegistry();
  await db.update(credentials).set({ document: legacy(credential) }).where(eq(credentials.id, id));
  await db.update(statusLists).set({ document: legacy(JSON.parse(current.list) as Json) }).where(eq(statusLists.id, listId));
  // a document in another serialisation (pretty-printed, proof not last): migrated too, as the same JSON
  const { proof, ...rest } = JSON.parse(registry.document) as Json;
  await db.update(registryVersions).set({ document: JSON.stringify({ proof: (proof as Json[])[0], ...rest }, null, 2) }).where(eq(registryVersions.version, registry.version));
  t.equal(typeof (JSON.parse(await storedCredential()) as Json).proof, 'object', 'the legacy credential: proof is an object');
  t.notOk(Array.isArray((JSON.parse(await storedCredential()) as Json).proof));

  await runMigration();

  t.equal(await storedCredential(), current.credential, 'the credential: exactly the bytes issued today');
  t.equal(await storedList(), current.list, 'the status list: exactly the bytes signed today');
  const migratedRegistry = JSON.parse((await latestRegistry()).document) as Json;
  t.same(migratedRegistry, { proof, ...rest }, 'the re-serialised registry: the same JSON, proof as an array');
  t.ok(Array.isArray(migratedRegistry.proof));
});

t.test('the migrated documents verify, for the stock library and as served', async (t) => {
  const served = await app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'application/json' } });
  t.equal(served.body, await storedCredential(), 'served verbatim');
  const stockResult = await stock.verify(JSON.parse(served.body) as object);
  t.equal(stockResult.verified, true, 'the stock verifier accepts the migrated credential');
  t.equal((await stock.verify(JSON.parse(await storedList()) as object)).verified, true, 'and the migrated status list');
  const status = await stock.checkStatus(JSON.parse(served.body) as object);
  t.equal(status.verified, true, 'the stock status check reads the migrated list');
  t.equal((await verify(app, JSON.parse(served.body) as Json)).verdict, 'valid', 'our own verifier agrees');
  const registry = await stock.verify(JSON.parse((await latestRegistry()).document) as object);
  t.equal(registry.verified, true, 'the re-serialised registry still verifies with the stock library');
});

t.test('running it again changes nothing', async (t) => {
  const before = [await storedCredential(), await storedList(), (await latestRegistry()).document];
  await runMigration();
  t.same([await storedCredential(), await storedList(), (await latestRegistry()).document], before);
});
