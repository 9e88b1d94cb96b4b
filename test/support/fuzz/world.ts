import { createClient } from '../../../src/modules/auth/service.js';
import { CENTRE_SCOPES } from '../../../src/modules/auth/scopes.js';
import { findCentreBySlug } from '../../../src/modules/centres/repository.js';
import { adminToken, BASE_URL, createCentreWithClient, demoToken, firstAchievementId, issue, type TestApp, tokenFor } from '../../helper.js';
import type { FuzzWorld } from './requests.js';

type Json = Record<string, any>;

async function issued(testApp: TestApp, token: string, achievementId: string, name: string): Promise<Json> {
  const response = await issue(testApp.app, token, {
    achievementId,
    recipient: { name, email: 'learner@example.org' },
    narrative: 'Redesigned a syllabus with generative AI.',
    evidence: [{ url: 'https://example.org/portfolio/1', name: 'Portfolio' }],
  });
  if (response.statusCode !== 201) throw new Error(`fuzz set-up could not issue: ${response.statusCode} ${response.body}`);
  return response.json();
}

/**
 * The data the fuzzer aims at: the demo centre and a victim centre, clients, courses, authorisations and issued
 * credentials. Writes aim at the victim (its centre, client, authorisation, a credential of its own), so a
 * successful revoke, rotation or suspension never takes away the tokens or centre the other cases need.
 */
export async function prepareFuzzWorld(testApp: TestApp): Promise<FuzzWorld> {
  const { app } = testApp;
  const { db } = app.ctx;
  const demoSlug = testApp.demoClient.centre;
  const demoCentre = await findCentreBySlug(db, demoSlug);
  if (!demoCentre) throw new Error('the demo centre is missing');

  const fullCentre = await createClient({ db, centreId: demoCentre.id, name: 'fuzz centre client', scopes: CENTRE_SCOPES });
  const readOnly = await createClient({ db, centreId: demoCentre.id, name: 'fuzz read-only client', scopes: ['credentials:read'] });
  const tokens = {
    centre: await tokenFor(app, fullCentre.client.clientId, fullCentre.clientSecret),
    centreReadOnly: await tokenFor(app, readOnly.client.clientId, readOnly.clientSecret),
    admin: await adminToken(testApp),
  };
  const victim = await createCentreWithClient(testApp, { slug: 'fuzz-victim', scopes: CENTRE_SCOPES });

  const courseId = await firstAchievementId(app);
  const courses: Json[] = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
  const kept = await issued(testApp, await demoToken(testApp), courseId, 'Nadia Mansour');
  const victimCredential = await issued(testApp, await demoToken(testApp), courseId, 'Omar Victim');
  const vc = kept.verifiableCredential as Json;
  const statusUrl = String(vc.credentialStatus?.statusListCredential ?? '');
  const listId = statusUrl.split('/').pop() ?? '';
  const shortCode: string = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${kept.id}`, headers: { authorization: `Bearer ${tokens.centre}` } })).json().shortCode;
  const authorisations: Json[] = (await app.inject({ method: 'GET', url: '/api/v1/authorisations?limit=100', headers: { authorization: `Bearer ${tokens.admin}` } })).json().items;
  const victimAuthorisations = authorisations.filter((item) => item.centre === victim.centre.slug || item.centreId === victim.centre.id).map((item) => String(item.id));

  const { '@context': _context, proof: _proof, credentialStatus: _status, issuer: _issuer, id: _id, ...unsigned } = vc;
  const vcalmCredential = { '@context': vc['@context'], ...unsigned, id: 'urn:uuid:3f0c7e9a-4c1e-4b8e-9d7a-6b2f1e0c5a11' };

  return {
    pathValues: {
      id: { read: [kept.id, courseId, ...courses.map((course) => String(course.id))], write: [victimCredential.id, courseId, ...victimAuthorisations] },
      slug: { read: [demoSlug], write: [victim.centre.slug] },
      clientId: { read: [], write: [victim.clientId] },
      listId: { read: [listId], write: [] },
      code: { read: [shortCode], write: [] },
      version: { read: ['1', '2'], write: [] },
      '*': { read: ['swagger-ui.css', 'index.html', 'json'], write: [] },
    },
    uuids: [courseId, kept.id, victimCredential.id, ...victimAuthorisations],
    tokens,
    seeds: {
      'POST /oauth/token': [{ grant_type: 'client_credentials', client_id: victim.clientId, client_secret: victim.clientSecret }],
      'POST /api/v1/credentials': [
        { achievementId: courseId, recipient: { name: 'Fatima Zahra', email: 'learner@example.org' }, narrative: 'Led a workshop.', evidence: [{ url: 'https://example.org/evidence', name: 'Workshop', description: 'Slides' }], language: 'fr' },
      ],
      'POST /api/v1/credentials/:id/revoke': [{ reason: 'Issued in error.' }],
      'POST /api/v1/credentials/:id/suspend': [{ reason: 'Under review.', until: '2031-01-01T00:00:00Z' }],
      'POST /api/v1/credentials/:id/unsuspend': [{ reason: 'Review closed.' }],
      'POST /api/v1/credentials/:id/reissue': [{ changes: { recipient: { name: 'Omar Victim-Hassan' }, evidence: [{ url: 'https://example.org/work' }] }, reason: 'Name corrected.' }],
      'POST /api/v1/centres': [{ slug: 'fuzz-new', name: { en: 'Fuzz centre', ar: 'مركز' }, countryCode: 'EG', websiteUrl: 'https://example.org/', contactEmail: 'centre@example.org' }],
      'PATCH /api/v1/centres/:slug': [{ hostInstitution: 'Ain Shams University', websiteUrl: 'https://example.org/centre', countryCode: 'PK' }],
      'POST /api/v1/centres/:slug/clients': [{ name: 'Fuzz client', scopes: ['credentials:read'] }],
      'POST /api/v1/achievements': [
        { name: { en: 'Fuzz course', fr: 'Cours' }, description: { en: 'About.', fr: 'Sujet.' }, criteria: { en: 'Did it.', fr: 'Fait.' }, level: 'Module', hours: 6, alignments: [{ targetName: 'Competency', targetUrl: 'https://example.org/c/1' }] },
      ],
      'PATCH /api/v1/achievements/:id': [{ level: 'Foundation', alignments: [{ targetName: 'Competency', targetUrl: 'https://example.org/c/2' }] }],
      'POST /api/v1/authorisations': [{ centre: victim.centre.slug, achievementId: courseId, validUntil: '2035-01-01T00:00:00Z' }],
      'POST /credentials/issue': [{ credential: vcalmCredential }, { credential: vcalmCredential, options: { credentialId: 'urn:uuid:1b6e3f0a-6d0b-4d38-9d4e-2b0c4f1a7e55' } }],
      'POST /credentials/verify': [{ verifiableCredential: vc }, { verifiableCredential: vc, options: { returnResults: true, returnCredential: true } }],
      'POST /api/v1/verify': [{ verifiableCredential: vc }, { url: `${BASE_URL}/credentials/${kept.id}` }, { id: kept.id }, { code: shortCode }],
      // an object: the form and multipart encodings send it as JSON text, so mutations land inside the pasted credential
      'POST /verify': [{ json: vc }, { code: shortCode }],
    },
  };
}
