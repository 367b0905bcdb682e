import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { PutEventsOutput } from '../../src/apis/events/actions/putEvents.js';
import { randomIds } from '../../src/util/ids.js';

const spelledAsStringify = (output: PutEventsOutput) => expect(output.json()).toBe(JSON.stringify(output));

test("PutEvents' answer spells the JSON that JSON.stringify makes of it", () => {
  spelledAsStringify(new PutEventsOutput(0, []));
  spelledAsStringify(new PutEventsOutput(0, [{ EventId: randomIds.uuid() }, { EventId: randomUUID() }]));
  spelledAsStringify(new PutEventsOutput(1, [{ EventId: randomIds.uuid() }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }]));
  // Told that the ids are the emulator's own UUIDs (PutEvents with randomIds).
  spelledAsStringify(new PutEventsOutput(1, [{ EventId: randomIds.uuid() }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }, { EventId: randomIds.uuid() }], true));
  // Injected ids (tests choose their own) that need escaping, lone surrogates included.
  spelledAsStringify(new PutEventsOutput(0, [{ EventId: 'a"b\\c' }, { EventId: 'line\nbreak' }, { EventId: '\ud800' }, { EventId: 'é' }, { EventId: '' }]));
  const entry = fc.oneof(
    fc.record({ EventId: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uuid()) }),
    fc.record({ ErrorCode: fc.string(), ErrorMessage: fc.string({ unit: 'binary' }) }),
  );
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 12 }), (entries) => spelledAsStringify(new PutEventsOutput(entries.filter((e) => !('EventId' in e)).length, entries))),
    { numRuns: 500 },
  );
});
