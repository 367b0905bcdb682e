/**
 * A record as filters and input templates see it: the source's message field decoded when it is
 * valid JSON (User Guide, "Amazon EventBridge Pipes filtering", message and data fields): the SQS
 * `body` (JSON-escaped) and the Kinesis `data` (base64) become the JSON they carry, so a pattern
 * `{"data": {"City": ["Seattle"]}}` or a template `<$.data.someKey>` reaches inside. A field that
 * is not JSON stays as it is (a JSON pattern on it then does not match, as the guide's tables say).
 * DynamoDB's `dynamodb` is JSON already. The record delivered to the target is not changed.
 */
export function withDecodedData(record: Record<string, unknown>): Record<string, unknown> {
  if (record.eventSource === 'aws:sqs' && typeof record.body === 'string') {
    const body = parseJson(record.body);
    return body === undefined ? record : { ...record, body };
  }
  if (record.eventSource === 'aws:kinesis' && typeof record.data === 'string') {
    const data = parseJson(Buffer.from(record.data, 'base64').toString('utf8'));
    return data === undefined ? record : { ...record, data };
  }
  return record;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
