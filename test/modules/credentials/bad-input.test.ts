import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import t from 'tap';
import type { Test } from 'tap';
import { auditEvents, credentials } from '../../../src/db/schema/index.js';
import { assertRejectedIssuance, rowCounts } from '../../support/rejections.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';

// POST /api/v1/credentials with bad input: always a 4xx problem+json that says what to fix, and nothing written.

type Injected = Awaited<ReturnType<typeof issue>>;

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);

/** A valid request body with `changes` merged in (recipient fields merge into the recipient). */
function body(changes: Record<string, unknown> = {}, recipient: Record<string, unknown> = {}) {
  return { achievementId, ...changes, recipient: { name: 'Amina El-Sayed', ...recipient } };
}

/** POST /api/v1/credentials with a raw payload and content type. */
const postRaw = (payload: string, contentType: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/credentials',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload,
  });

interface ExpectedProblem {
  status: 400 | 413 | 415 | 422;
  type: string;
  detail: RegExp;
  /** for validation problems: the exact error paths, each with what its message must say */
  errors?: [path: string, message: RegExp][];
}

/** An RFC 9457 problem that names what to fix (and, for validation, the exact paths); nothing written. */
const assertRejected = (t: Test, send: () => Promise<Injected>, expected: ExpectedProblem) =>
  assertRejectedIssuance(t, app, send, expected, (_response, problem) => {
    if (expected.errors) {
      t.same(
        problem.errors?.map((error: { path: string }) => error.path),
        expected.errors.map(([path]) => path),
        'the errors name exactly the offending paths',
      );
      for (const [index, [path, message]] of expected.errors.entries()) {
        t.match(problem.errors?.[index]?.message, message, `the message for ${path} says what to fix`);
        if (problem.type.endsWith('/validation')) t.match(problem.detail, `${path}: `, `the detail names ${path}`);
      }
    } else {
      t.notOk(problem.errors, 'no errors list');
    }
  });

/** A body that fails schema validation at `path` with a message matching `message`. */
const rejectsBody = (t: Test, payload: Record<string, unknown>, path: string, message: RegExp) =>
  assertRejected(t, () => issue(app, token, payload), { status: 400, type: 'validation', detail: /is invalid/, errors: [[path, message]] });

/** Issues and returns the credential; fails the test if the body is refused. */
async function assertIssued(t: Test, payload: Record<string, unknown>) {
  const response = await issue(app, token, payload);
  t.equal(response.statusCode, 201, response.body);
  return response.json() as { id: string; verifiableCredential: { credentialSubject: { identifier: { identityHash: string }[] } } };
}

async function storedRecipientName(id: string) {
  const [row] = await app.ctx.db.select({ name: credentials.recipientName }).from(credentials).where(eq(credentials.id, id));
  return row?.name;
}

t.test('control: the valid base body is issued', async (t) => {
  await assertIssued(t, body());
});

t.test('the body and its media type', async (t) => {
  t.test('a body that is not JSON is 400 invalid-json', async (t) => {
    await assertRejected(t, () => postRaw('{"achievementId": "', 'application/json'), { status: 400, type: 'invalid-json', detail: /not valid JSON/ });
  });
  t.test('an empty JSON body is 400 invalid-json', async (t) => {
    await assertRejected(t, () => postRaw('', 'application/json'), { status: 400, type: 'invalid-json', detail: /empty/ });
  });
  t.test('a JSON array is 400 naming the body', async (t) => {
    await assertRejected(t, () => postRaw('[]', 'application/json'), {
      status: 400,
      type: 'validation',
      detail: /is invalid/,
      errors: [['body', /object/]],
    });
  });
  t.test('a text/plain body is 415, asking for application/json', async (t) => {
    await assertRejected(t, () => postRaw(JSON.stringify(body()), 'text/plain'), { status: 415, type: 'unsupported-media-type', detail: /application\/json/ });
  });
  // Form bodies are parsed for POST /oauth/token only; a JSON route must not half-read one.
  t.test('a form body is 415, asking for application/json', async (t) => {
    await assertRejected(t, () => postRaw(`achievementId=${achievementId}`, 'application/x-www-form-urlencoded'), {
      status: 415,
      type: 'unsupported-media-type',
      detail: /application\/json/,
    });
  });
  t.test('a body over the 1 MiB limit is 413', async (t) => {
    const huge = body({ narrative: 'a'.repeat(1024 * 1024 + 1) });
    await assertRejected(t, () => issue(app, token, huge), { status: 413, type: 'body-too-large', detail: /1048576 bytes/ });
  });
});

t.test('strict schemas: unknown fields are refused, naming them', async (t) => {
  t.test('an unknown top-level field', async (t) => {
    await rejectsBody(t, body({ grade: 'A' }), 'body', /Unrecognized key: "grade"/);
  });
  t.test('an unknown recipient field', async (t) => {
    await rejectsBody(t, body({}, { phone: '+20 100 000 0000' }), 'body.recipient', /Unrecognized key: "phone"/);
  });
});

t.test('required fields', async (t) => {
  t.test('a missing achievementId', async (t) => {
    await rejectsBody(t, { recipient: { name: 'Amina' } }, 'body.achievementId', /course id from GET \/achievements/);
  });
  t.test('a missing recipient', async (t) => {
    await rejectsBody(t, { achievementId }, 'body.recipient', /expected object/);
  });
  t.test('a missing recipient name', async (t) => {
    await rejectsBody(t, { achievementId, recipient: {} }, 'body.recipient.name', /expected string/);
  });
});

t.test('the recipient name', async (t) => {
  const refused: [string, string, RegExp][] = [
    ['empty', '', /must not be empty/],
    ['whitespace only', ' \t  ', /must not be empty/],
    ['201 characters', 'a'.repeat(201), /at most 200 characters/],
    ['a bell control character', 'Amina\u0007El-Sayed', /control/],
    ['a newline', 'Amina\nEl-Sayed', /control/],
    ['a right-to-left override', 'Amina \u202EdeyaS-lE', /bidirectional/],
    ['a first-strong isolate', 'Amina \u2068El-Sayed', /bidirectional/],
  ];
  for (const [what, name, message] of refused) {
    t.test(`is refused when ${what}`, async (t) => {
      await rejectsBody(t, body({}, { name }), 'body.recipient.name', message);
    });
  }

  t.test('of exactly 200 characters is accepted and kept whole', async (t) => {
    const name = 'a'.repeat(200);
    const issued = await assertIssued(t, body({}, { name }));
    t.equal(issued.verifiableCredential.credentialSubject.identifier[0]?.identityHash, name);
    t.equal(await storedRecipientName(issued.id), name);
  });

  t.test('of 200 CJK characters is accepted and kept whole', async (t) => {
    const name = '李'.repeat(200);
    const issued = await assertIssued(t, body({}, { name }));
    t.equal(issued.verifiableCredential.credentialSubject.identifier[0]?.identityHash, name);
    t.equal(await storedRecipientName(issued.id), name);
  });

  // The limit counts characters (code points): CJK Extension B characters used in real names (e.g. 𠮷) are
  // two UTF-16 units each and must not count twice.
  t.test('of 200 CJK characters outside the BMP is accepted', async (t) => {
    const name = '\u{20BB7}'.repeat(200);
    t.equal([...name].length, 200);
    await assertIssued(t, body({}, { name }));
  });

  t.test('with a zero-width non-joiner (needed in Persian names) is accepted', async (t) => {
    const name = 'مهدی\u200Cزاده';
    const issued = await assertIssued(t, body({}, { name }));
    t.equal(await storedRecipientName(issued.id), name);
  });

  t.test('is trimmed', async (t) => {
    const issued = await assertIssued(t, body({}, { name: '  Amina El-Sayed  ' }));
    t.equal(await storedRecipientName(issued.id), 'Amina El-Sayed');
  });

  t.test('in decomposed form is stored and issued in NFC', async (t) => {
    const decomposed = 'Rene\u0301 Desca\u0300rtes';
    const composed = 'Ren\u00E9 Desc\u00E0rtes';
    t.not(decomposed, composed, 'the input really is decomposed');
    const issued = await assertIssued(t, body({}, { name: decomposed }));
    t.equal(issued.verifiableCredential.credentialSubject.identifier[0]?.identityHash, composed, 'issued as NFC');
    t.equal(await storedRecipientName(issued.id), composed, 'stored as NFC');
    const served = await app.inject({ method: 'GET', url: `/credentials/${issued.id}` });
    t.ok(served.body.includes(composed), 'served as NFC');
    t.notOk(served.body.includes(decomposed), 'the decomposed form is nowhere');
  });
});

t.test('the course', async (t) => {
  t.test('an unknown but well-formed achievementId is 422 naming body.achievementId', async (t) => {
    const unknown = randomUUID();
    await assertRejected(t, () => issue(app, token, body({ achievementId: unknown })), {
      status: 422,
      type: 'unknown-achievement',
      detail: new RegExp(`${unknown}.*GET /achievements`),
      errors: [['body.achievementId', /no course has this id/]],
    });
  });
  t.test('an achievementId that is not a uuid is 400', async (t) => {
    await rejectsBody(t, body({ achievementId: 'genai-foundation' }), 'body.achievementId', /course id from GET \/achievements/);
  });
});

t.test('validity dates', async (t) => {
  t.test('validUntil before validFrom', async (t) => {
    await rejectsBody(t, body({ validFrom: '2030-06-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }), 'body.validUntil', /later than validFrom/);
  });
  t.test('validUntil equal to validFrom', async (t) => {
    await rejectsBody(t, body({ validFrom: '2030-06-01T00:00:00Z', validUntil: '2030-06-01T00:00:00Z' }), 'body.validUntil', /later than validFrom/);
  });
  t.test('validUntil in the past', async (t) => {
    await rejectsBody(t, body({ validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' }), 'body.validUntil', /in the past/);
  });
  for (const validFrom of ['2026-13-01', '01/02/2026', '2026-11-23 08:00', '2026-11-23T08:00:00', '2026-11-23T25:00:00Z', 'tomorrow']) {
    t.test(`validFrom "${validFrom}" is not RFC 3339 with a time zone`, async (t) => {
      await rejectsBody(t, body({ validFrom }), 'body.validFrom', /RFC 3339 date-time with a time zone/);
    });
  }
  t.test('validUntil not RFC 3339', async (t) => {
    await rejectsBody(t, body({ validUntil: '2030-01-01' }), 'body.validUntil', /RFC 3339/);
  });
  t.test('control: RFC 3339 with a numeric offset is accepted', async (t) => {
    await assertIssued(t, body({ validFrom: '2026-01-01T10:00:00+02:00' }));
  });
});

t.test('evidence, email and DID formats', async (t) => {
  for (const url of ['javascript:alert(1)', 'ftp://x', 'data:text/html,<script>alert(1)</script>', 'not a url']) {
    t.test(`evidence url "${url}" is refused`, async (t) => {
      await rejectsBody(t, body({ evidence: [{ url }] }), 'body.evidence.0.url', /http\(s\) URL/);
    });
  }
  t.test('the path names the offending evidence item', async (t) => {
    await rejectsBody(t, body({ evidence: [{ url: 'https://example.org/ok' }, { url: 'ftp://x' }] }), 'body.evidence.1.url', /http\(s\) URL/);
  });
  t.test('an empty evidence item is refused', async (t) => {
    await rejectsBody(t, body({ evidence: [{}] }), 'body.evidence.0', /at least one of url, name, description/);
  });
  for (const email of ['not-an-email', 'amina@', '@example.org']) {
    t.test(`email "${email}" is refused`, async (t) => {
      await rejectsBody(t, body({}, { email }), 'body.recipient.email', /email address/);
    });
  }
  for (const did of ['not a did', 'did:', 'did:web:', 'https://example.org/amina', 'did:ib6ir:_%Vr.-', 'did:web:example.org%2', 'did:web:%zz']) {
    t.test(`did "${did}" is refused`, async (t) => {
      await rejectsBody(t, body({}, { did }), 'body.recipient.did', /must be a DID/);
    });
  }
  t.test('control: a valid email and DID are accepted', async (t) => {
    await assertIssued(t, body({}, { email: 'amina@example.org', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }));
  });
  t.test('control: a DID with a port (a percent-escape) and a path is accepted', async (t) => {
    await assertIssued(t, body({}, { did: 'did:web:example.org%3A8443:learners:amina' }));
  });
});

t.test('Idempotency-Key', async (t) => {
  const key = `retry-${randomUUID()}`;
  const narrative = 'First attempt.';
  const original = body({ narrative });
  const withKey = (payload: Record<string, unknown>) => issue(app, token, payload, { 'idempotency-key': key });

  const before = await rowCounts(app);
  const first = await withKey(original);
  t.equal(first.statusCode, 201, first.body);
  const firstBody = first.json();
  const [firstRow] = await app.ctx.db.select().from(credentials).where(eq(credentials.id, firstBody.id));

  t.test('reused with a different body is 422 and changes nothing', async (t) => {
    const problem = await assertRejected(t, () => withKey(body({ narrative: 'Second attempt.' })), {
      status: 422,
      type: 'idempotency-key-reused',
      detail: /Idempotency-Key was already used with a different request body/,
    });
    t.match(problem.detail, /new key/, 'says what to do');
    const [row] = await app.ctx.db.select().from(credentials).where(eq(credentials.id, firstBody.id));
    t.same(row, firstRow, 'the first credential is unchanged');
  });

  t.test('reused with the same body (in any key order) returns the same credential with 200', async (t) => {
    const sameAgain = await withKey(original);
    t.equal(sameAgain.statusCode, 200, sameAgain.body);
    t.same(sameAgain.json(), firstBody, 'the very same credential, byte for byte');
    t.equal(sameAgain.headers.location, firstBody.url);

    const reordered = await withKey({ recipient: original.recipient, narrative, achievementId });
    t.equal(reordered.statusCode, 200, reordered.body);
    t.equal(reordered.json().id, firstBody.id);
  });

  t.test('exactly one credential and one audit event exist for the key', async (t) => {
    const after = await rowCounts(app);
    t.equal(after.credentials, (before.credentials ?? 0) + 1);
    t.equal(after.auditEvents, (before.auditEvents ?? 0) + 1);
    const [events] = await app.ctx.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.credentialId, firstBody.id));
    t.equal(events?.n, 1);
  });

  t.test('a malformed key is 400 naming the header', async (t) => {
    await assertRejected(t, () => issue(app, token, body(), { 'idempotency-key': 'has spaces in it' }), {
      status: 400,
      type: 'validation',
      detail: /is invalid/,
      errors: [['headers.idempotency-key', /visible ASCII/]],
    });
  });
});
