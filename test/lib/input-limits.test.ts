import t from 'tap';
import { findInputFlaw, MAX_INPUT_DEPTH, rejectInputFlaws } from '../../src/lib/input-limits.js';
import { HttpProblem } from '../../src/lib/problem.js';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

t.test('nesting: up to the limit passes, one level more is named, and no depth overflows the checker', async (t) => {
  t.equal(findInputFlaw(nested(MAX_INPUT_DEPTH), 'body'), undefined, `${MAX_INPUT_DEPTH} levels pass`);
  t.match(findInputFlaw(nested(MAX_INPUT_DEPTH + 1), 'body'), { kind: 'depth', path: /^body\.a\.a/, message: new RegExp(`more than ${MAX_INPUT_DEPTH} levels`) });
  let deep: unknown = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const flaw = findInputFlaw(deep, 'body');
  t.equal(flaw?.kind, 'depth', '200,000 levels: reported, not a stack overflow');
  t.ok((flaw?.path.length ?? 0) < 200, 'the path of a very deep node is shortened');
});

t.test('text: NUL and lone surrogates, in values and keys, with the field named', async (t) => {
  t.match(findInputFlaw({ recipient: { name: 'Ada\u0000' } }, 'body'), { kind: 'text', path: 'body.recipient.name', message: /NUL/ });
  t.match(findInputFlaw({ evidence: [{ name: 'x' }, { name: 'bad \ud800' }] }, 'body'), { path: 'body.evidence[1].name', message: /U\+D800 at offset 4/ });
  t.match(findInputFlaw({ a: 'trail \udc00' }, 'body'), { message: /U\+DC00/ });
  t.match(findInputFlaw(JSON.parse('{"k\\ud800": 1}'), 'body'), { path: /^body\["k\ufffd"\]$/, message: /^has a key that contains an unpaired/ });
  t.match(findInputFlaw({ slug: 'abc\u0000' }, 'params'), { path: 'params.slug' });
  t.equal(findInputFlaw({ name: 'نور الهدى 😀 e\u0301 李华', list: [1, true, null] }, 'body'), undefined, 'well-formed text of any script passes');
});

t.test('rejectInputFlaws: a 422 problem that says what to fix', async (t) => {
  t.doesNotThrow(() => rejectInputFlaws({ a: 'fine' }, 'body'));
  try {
    rejectInputFlaws({ name: 'x\ud83d' }, 'body');
    t.fail('should throw');
  } catch (error) {
    t.ok(error instanceof HttpProblem);
    t.match(error, { status: 422, type: '/problems/invalid-text', errors: [{ path: 'body.name', message: /unpaired UTF-16 surrogate/ }] });
  }
  const deep = (() => {
    try {
      rejectInputFlaws(nested(MAX_INPUT_DEPTH + 5), 'body');
    } catch (error) {
      return error;
    }
  })();
  t.match(deep, { status: 422, type: '/problems/too-deeply-nested' });
});
