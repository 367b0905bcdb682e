/** The message fields a pipe filter matches inside (src/apis/pipes/sources/dataFields.ts). */
import { withDecodedData } from '../../src/apis/pipes/sources/dataFields.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test.each([
  ['SQS JSON body', { eventSource: 'aws:sqs', body: '{"City":"Seattle"}' }, { eventSource: 'aws:sqs', body: { City: 'Seattle' } }],
  ['SQS plain body', { eventSource: 'aws:sqs', body: 'Test message.' }, { eventSource: 'aws:sqs', body: 'Test message.' }],
  ['Kinesis JSON data', { eventSource: 'aws:kinesis', data: b64('{"City":"Seattle","Temperature":"46"}') }, { eventSource: 'aws:kinesis', data: { City: 'Seattle', Temperature: '46' } }],
  ['Kinesis non-JSON data', { eventSource: 'aws:kinesis', data: b64('Hello, this is a test.') }, { eventSource: 'aws:kinesis', data: b64('Hello, this is a test.') }],
  ['DynamoDB (already JSON)', { eventSource: 'aws:dynamodb', dynamodb: { Keys: { Id: { N: '1' } } } }, { eventSource: 'aws:dynamodb', dynamodb: { Keys: { Id: { N: '1' } } } }],
])('%s', (_name, record, expected) => {
  const before = JSON.stringify(record);
  expect(withDecodedData(record)).toEqual(expected);
  expect(JSON.stringify(record)).toBe(before);
});
