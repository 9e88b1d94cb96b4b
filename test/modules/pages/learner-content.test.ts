import t from 'tap';
import { isolateLatinRuns } from '../../../src/lib/i18n.js';
import { DEMO_CENTRE, DEMO_COURSES } from '../../../src/modules/demo/data.js';
import { checkMessage } from '../../../src/modules/verification/messages.js';
import { describeCredential } from '../../../src/web/credential-text.js';
import { courseLevelIn, pageCatalogues } from '../../../src/web/messages/index.js';
import { assertPage, browser, definition, elements, innerOf, LANGUAGES, pageApp, readPage, textOf, urlencoded } from './page-support.js';

// What the learner did and the evidence of it (an employer wants the portfolio link), shown safely; the course and the
// centre in the reader's language, the course level translated.

const p = await pageApp(t);
const { app } = p;

const NARRATIVE = 'Designed a <b>unit</b> on AI feedback & "marked" 40 scripts.';
const amina = await p.issueFor('Amina El-Sayed', {
  narrative: NARRATIVE,
  evidence: [
    { url: 'https://portfolio.example/amina?tab=ai&x=1', name: 'Teaching portfolio <script>alert(1)</script>', description: 'Lesson plans and feedback' },
    { url: 'http://old.example/work' },
    { name: 'تقييم الأقران', description: 'Peer review by two tutors' },
  ],
});
const page = (language: string, id = amina.id) => p.get(`/credentials/${id}?lang=${language}`, browser());

t.test('the narrative and the evidence, on the credential page, in every language', async (t) => {
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language].credential;
    const response = await page(language);
    assertPage(t, response, 200, language);
    t.equal(definition(response.body, text.narrative), NARRATIVE, `${language}: the narrative, as written`);
    t.match(response.body, /<span class="text"><bdi>Designed a &lt;b&gt;unit&lt;\/b&gt; on AI feedback &amp; &quot;marked&quot; 40 scripts\.<\/bdi><\/span>/, `${language}: escaped and isolated`);
    const evidence = innerOf(response.body, 'ul', { name: 'class', value: 'evidence' }) ?? '';
    const links = elements(evidence, 'a');
    t.same(
      links.map((a) => [a.href, a.rel]),
      [
        ['https://portfolio.example/amina?tab=ai&x=1', 'noopener nofollow ugc'],
        ['http://old.example/work', 'noopener nofollow ugc'],
      ],
      `${language}: http(s) links only, marked as user content`,
    );
    t.match(evidence, /<a href="https:\/\/portfolio\.example\/amina\?tab=ai&amp;x=1" rel="noopener nofollow ugc"><bdi>Teaching portfolio &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/bdi><\/a>/, `${language}: the name as the link's text, escaped`);
    t.notMatch(response.body, /<script>alert/, `${language}: no markup from the credential`);
    t.ok(textOf(evidence).includes('Lesson plans and feedback'), `${language}: what the evidence is`);
    t.match(evidence, /<bdi>تقييم الأقران<\/bdi>/, `${language}: a name in another script, isolated`);
  }
});

t.test('evidence that is no http(s) link is shown as text, never linked', async (t) => {
  const credential = structuredClone(amina.credential);
  credential.evidence = [
    { id: 'javascript:alert(1)', type: ['Evidence'], name: 'Click me' },
    { id: 'data:text/html,<script>alert(1)</script>', type: ['Evidence'] },
    { id: 'urn:uuid:0b7d6ed7-7b36-4f3e-8a0e-3c1c5cf4a1b2', type: ['Evidence'], name: 'Archived work' },
    { id: '//evil.example/x', type: ['Evidence'], name: 'Relative' },
  ];
  const described = describeCredential(credential, 'en');
  t.same(described.evidence.map((item) => item.link), [null, null, null, null], 'no link made of any of them');
  t.same(described.evidence.map((item) => item.id), credential.evidence.map((item: { id: string }) => item.id), 'their ids kept for showing');
  const many = describeCredential({ ...credential, evidence: Array.from({ length: 25 }, (_, index) => ({ id: `https://e.example/${index}`, name: `Item ${index}` })) }, 'en');
  t.equal(many.evidence.length, 25);
  t.same(describeCredential({ ...credential, evidence: 'not a list' }, 'en').evidence, [], 'a malformed evidence member reads as none');
  t.same(describeCredential({ ...credential, evidence: [null, 3, {}] }, 'en').evidence, [], 'entries with nothing to show are left out');

  // on the verify page (an unsigned copy: shown as claims, with nothing linked either way)
  const form = urlencoded({ json: JSON.stringify(credential) });
  const response = await app.inject({ method: 'POST', url: '/verify?lang=en', payload: form.payload, headers: browser(form.headers) });
  assertPage(t, response, 200, 'verify page');
  const evidence = innerOf(response.body, 'ul', { name: 'class', value: 'evidence' }) ?? '';
  t.same(elements(evidence, 'a'), [], 'no link');
  t.ok(textOf(evidence).includes('javascript:alert(1)'), 'the address shown as text');
  t.match(evidence, /data:text\/html,&lt;script&gt;/, 'escaped');
});

t.test('the verify page shows the narrative and the links of a valid pasted credential, and caps a long list', async (t) => {
  const form = urlencoded({ json: amina.bytes });
  const response = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: form.payload, headers: browser(form.headers) });
  const reading = assertPage(t, response, 200, 'verify page');
  t.equal(reading.h1, pageCatalogues.fr.verdicts.valid.title);
  t.equal(definition(response.body, pageCatalogues.fr.credential.narrative), NARRATIVE);
  t.ok(elements(response.body, 'a').some((a) => a.href === 'https://portfolio.example/amina?tab=ai&x=1' && a.rel === 'noopener nofollow ugc'), 'the portfolio link');

  const many = await p.issueFor('Many Items', { evidence: Array.from({ length: 20 }, (_, index) => ({ url: `https://e.example/${index}`, name: `Item ${index}` })) });
  const manyPage = (await page('en', many.id)).body;
  t.equal(elements(innerOf(manyPage, 'ul', { name: 'class', value: 'evidence' }) ?? '', 'a').length, 20, 'all twenty of an issued credential');
  // an uploaded document may carry more: the page shows twenty and says how many more there are
  const longer = { ...many.credential, evidence: Array.from({ length: 23 }, (_, index) => ({ id: `https://e.example/${index}`, type: ['Evidence'], name: `Item ${index}` })) };
  const posted = urlencoded({ json: JSON.stringify(longer) });
  const longerPage = (await app.inject({ method: 'POST', url: '/verify?lang=en', payload: posted.payload, headers: browser(posted.headers) })).body;
  const list = innerOf(longerPage, 'ul', { name: 'class', value: 'evidence' }) ?? '';
  t.equal([...list.matchAll(/<li>/g)].length, 20, 'twenty shown');
  t.ok(textOf(list).includes(pageCatalogues.en.credential.evidenceMore({ count: '3' })), 'and three more, said');
});

t.test('a credential without narrative or evidence has no such rows', async (t) => {
  const plain = await p.issueFor('Plain Person');
  const { body } = await page('en', plain.id);
  t.equal(definition(body, pageCatalogues.en.credential.narrative), undefined);
  t.equal(definition(body, pageCatalogues.en.credential.evidence), undefined);
});

t.test('the course level in the reader\'s language; course, centre and check messages from the catalogue', async (t) => {
  const course = DEMO_COURSES[0]!;
  t.equal(course.level, 'Foundation');
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language];
    const response = await page(language);
    const reading = readPage(response.body);
    const level = text.levels.Foundation;
    t.equal(definition(response.body, text.credential.course), `${isolateLatinRuns(course.name[language]!)} ${text.credential.level({ level })} · ${text.credential.hours({ hours: '20' })}`, `${language}: the course and its level (${level})`);
    if (language !== 'en') t.notOk(reading.text.includes('Foundation'), `${language}: the English level appears nowhere`);
    t.equal(definition(response.body, text.credential.issuer), `${DEMO_CENTRE.name[language]} ${text.credential.recognisedBy({ platformName: app.ctx.config.platform.name })}`, `${language}: the centre`);
    const messages = reading.checks.map((check) => check.message);
    t.equal(messages[0], checkMessage('proof.valid', { issuerName: DEMO_CENTRE.name[language] }, language), `${language}: the signature message names the centre in ${language}`);
    t.equal(messages[2], checkMessage('course.authorised', { achievementName: course.name[language] }, language), `${language}: the authorisation message names the course in ${language}`);
  }
  t.equal(courseLevelIn('foundation ', 'fr'), 'Fondation', 'a known level whatever its case and spacing');
  t.equal(courseLevelIn('Expert track', 'zh'), 'Expert track', 'a level outside the IIOE\'s own shown as written');
  t.equal(new Set(LANGUAGES.map((language) => pageCatalogues[language].levels.Foundation)).size, 4, 'four different words for Foundation');
  t.equal(isolateLatinRuns('وحدة 1+X: طرق'), 'وحدة \u20661+X\u2069: طرق', 'a Latin run in Arabic text isolated left to right');
  t.equal(isolateLatinRuns('1+X GenAI Foundation'), '1+X GenAI Foundation', 'text without Arabic untouched');
  t.equal(isolateLatinRuns('بنسبة 70٪'), 'بنسبة 70٪', 'digits alone are left alone');
});
