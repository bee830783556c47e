import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCatalog } from '../core/errors';
import { ganpipeRoot } from '../core/util/package-versions';

test('docs/errors.md lists exactly the codes of the error catalog', () => {
  const page = fs.readFileSync(path.join(ganpipeRoot(), 'docs/errors.md'), 'utf8');
  const documented = [...page.matchAll(/^\| `(GANPIPE_[A-Z_]+)` \|/gm)].map((match) => match[1]).sort();
  assert.deepEqual(documented, Object.keys(errorCatalog).sort());
});
