import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runEventTypes } from '../core/events/run-event';
import { ganpipeRoot } from '../core/util/package-versions';

test('docs/events.md documents every event type and no other', () => {
  const page = fs.readFileSync(path.join(ganpipeRoot(), 'docs/events.md'), 'utf8');
  const documented = [...page.matchAll(/^### `([A-Za-z.]+)`/gm)].map((match) => match[1]).sort();
  assert.deepEqual(documented, [...runEventTypes].sort());
});
