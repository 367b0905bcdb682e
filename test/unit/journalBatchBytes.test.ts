import { JournalBatch, jobLine } from '../../src/store/deliveryRecords.js';
import { seal, sealInto, sealedRoom } from '../../src/store/lineSeal.js';
import type { DeliveryJob } from '../../src/store/schema.js';

/** What a batch was written as before its lines were sealed into bytes: sealed texts joined, then encoded. */
const asText = (lines: string[]) => Buffer.from(lines.map((line) => `${seal(line)}\n`).join(''));

const texts = ['{}', '{"a":"plain ascii"}', '{"e":"\u00e9\u4e2d\ud83d\ude00"}', '{"lone":"\ud800 and \udfff"}', `{"long":"${'x'.repeat(70_000)}"}`, '{"nul":"\u0000\u2028"}'];

test.each(texts.map((t) => [t.slice(0, 30), t]))('a line sealed into bytes is the sealed text, encoded: %s', (_name, json) => {
  const bytes = Buffer.alloc(sealedRoom(json.length) + 4, 0xee);
  const end = sealInto(bytes, 2, json);
  expect(bytes.subarray(2, end).equals(Buffer.from(`${seal(json)}\n`))).toBe(true);
  expect(bytes[end]).toBe(0xee);
});

test('a batch\'s chunks are the bytes of its sealed lines, in order, whatever the chunk bounds', () => {
  const job = { id: 'j\u00e9', account: '1', region: 'r', ruleArn: 'a', ruleName: 'n', eventBusName: 'b', target: { Id: 't', Arn: 'arn' }, event: { id: 'e' }, payload: 'p', hops: 0, createdAt: 1, nextAttemptAt: 1, attempts: [] } as DeliveryJob;
  const jobs = new Map<string, DeliveryJob | null>([['j\u00e9', job], ['gone', null]]);
  const batch = new JournalBatch(true, texts, jobs, 0);
  const expected = asText(['{"o":"r"}', ...texts, jobLine(job), '{"o":"d","id":"gone"}']);
  for (const [lines, room] of [[2_000, 1024 * 1024], [1, 1024 * 1024], [3, 10], [2_000, 50_000]] as const) {
    const chunks = [...batch.chunks(lines, room)];
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    for (const chunk of chunks) expect(chunk[chunk.length - 1]).toBe(0x0a);
    if (lines === 1) expect(chunks).toHaveLength(texts.length + 3);
    // With a scratch buffer a chunk is valid until the next is asked for: copied as it comes.
    const scratch = Buffer.alloc(64 * 1024);
    const copied = [...(function* () {
      for (const chunk of batch.chunks(lines, room, scratch)) yield Buffer.from(chunk);
    })()];
    expect(Buffer.concat(copied).equals(expected)).toBe(true);
  }
});
