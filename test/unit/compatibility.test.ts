/** docs/compatibility.md must tell the truth about the operation table. */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { actions } from '../../src/apis/events/actions/index.js';
import { OPERATION_NAMES as operationNames } from '../../src/apis/events/model/shapes.generated.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(root + 'docs/compatibility.md', 'utf8');
const rows = new Map<string, { state: string; tests: string }>();
for (const line of doc.split('\n')) {
  const cells = line.split('|').map((c) => c.trim());
  if (cells.length >= 5 && (operationNames as readonly string[]).includes(cells[1])) rows.set(cells[1], { state: cells[2], tests: cells[3] });
}

test('the table has one row per operation of the model (57)', () => {
  expect(operationNames).toHaveLength(57);
  expect([...rows.keys()].sort()).toEqual([...operationNames].sort());
});

test.each([...operationNames])('%s: the state in the table matches the code, and its tests exist', (op) => {
  const row = rows.get(op)!;
  const built = op in actions;
  if (built) {
    expect(['done', 'partial']).toContain(row.state);
    const files = row.tests.split(',').map((f) => f.trim());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(root + file)).toBe(true);
  } else {
    expect(row.state).toBe('missing');
  }
});
