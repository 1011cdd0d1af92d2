import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutWeavewaitMount } from './changes.endpoint';

test('docker diff: the /w mount point the proxy added is left out, the rest kept as dockerd sent it', () => {
  const cases: Array<[string, string]> = [
    ['[{"Path":"/w","Kind":1}]', 'null\n'],
    ['[{"Path":"/tmp","Kind":0},{"Path":"/w","Kind":1},{"Path":"/tmp/x","Kind":1}]', '[{"Path":"/tmp","Kind":0},{"Path":"/tmp/x","Kind":1}]\n'],
    ['[{"Path":"/w","Kind":0}]', '[{"Path":"/w","Kind":0}]'], // the image had /w and the user changed it
    ['[{"Path":"/wx","Kind":1}]', '[{"Path":"/wx","Kind":1}]'],
    ['null', 'null'],
    ['not json', 'not json'],
  ];
  for (const [input, expected] of cases) assert.equal(withoutWeavewaitMount(input), expected, input);
});
