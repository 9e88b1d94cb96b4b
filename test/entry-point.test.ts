// The Node version gate of the entry points: Node 20 stalls the in-process queue silently, so it is refused.
import t from 'tap';
import { nodeIsSupported } from '../src/entry-point.js';

t.test('Node 22.12 and later are supported, earlier versions are not', async (t) => {
  for (const version of ['22.12.0', '22.23.5', '23.0.0', '24.1.2']) t.ok(nodeIsSupported(version), version);
  for (const version of ['20.20.2', '22.11.9', '18.0.0', '']) t.notOk(nodeIsSupported(version), version || '(empty)');
});

t.test('the Node running the tests is supported (npm test uses the Node 22 of node_modules)', async (t) => {
  t.ok(nodeIsSupported(), process.versions.node);
});
