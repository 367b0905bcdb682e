/**
 * InputTransformer cases. Each group says where its cases come from:
 * - UG-TRANSFORM: User Guide "Amazon EventBridge input transformation" (eb-transform-target-input),
 *   "Input transform examples" table and its example EC2 event;
 * - UG-TUTORIAL: User Guide "Tutorial: Use input transformers to transform events";
 * - API-REF: API Reference InputTransformer.InputTemplate examples (same text in the
 *   CloudFormation AWS::Events::Rule InputTransformer page);
 * - UG-APIDEST: User Guide API-destination pages (/work/shared/spec): "Sending CloudEvents
 *   events to API destinations" and the Confluent partner template;
 * - AWS-RECORDED: responses recorded on real AWS (LocalStack parity snapshots
 *   test_events_inputs.snapshot.json 2024-05/06, and aws-facts §5.4 for 2024-06…2025-10);
 * - MODEL: behaviour neither documented nor recorded; each case pins one rule of our model
 *   (src/engine/transform/template.ts) so that a change to it is deliberate.
 */
export interface TransformerCase {
  name: string;
  event: object;
  paths?: Record<string, string>;
  template: string;
  /** The delivered body, or 'undelivered' when AWS drops the event for this target. */
  expected: string | 'undelivered';
}

export const RULE = {
  ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
  ruleName: 'example',
  ingestionTime: '2015-11-11T21:29:55Z',
};

/** The example EC2 event of UG-TRANSFORM. */
export const EC2_EVENT = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

const EC2_PATHS = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state', resource: '$.resources[0]' };

const EC2_WITHOUT_DETAIL =
  '{"id":"7bf73129-1428-4cd3-a780-95db273d1602","account":"123456789012","detailType":"EC2 Instance State-change Notification",' +
  '"time":"2015-11-11T21:29:55Z","source":"aws.ec2","region":"us-east-1",' +
  '"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"version":"0"}';

const UG_TRANSFORM: TransformerCase[] = [
  { name: 'simple string', event: EC2_EVENT, paths: EC2_PATHS, template: '"instance <instance> is in <state>"', expected: '"instance i-0123456789 is in RUNNING"' },
  {
    name: 'string with escaped quotes',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template: String.raw`"instance \"<instance>\" is in <state>"`,
    expected: String.raw`"instance \"i-0123456789\" is in RUNNING"`,
  },
  {
    name: 'simple JSON (sent minified)',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template: '{\n  "instance" : <instance>,\n  "state": <state>\n}',
    expected: '{"instance":"i-0123456789","state":"RUNNING"}',
  },
  {
    name: 'JSON with strings and variables',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template: String.raw`{
 "instance" : <instance>,
 "state": "<state>",
 "instanceStatus": "instance \"<instance>\" is in <state>"
}`,
    expected: String.raw`{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \"i-0123456789\" is in RUNNING"}`,
  },
  {
    name: 'JSON with a mix of variables and static information',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template: '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}\n',
    expected: '{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}',
  },
  {
    name: 'including reserved variables in JSON',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template:
      '{\n  "instance" : <instance>,\n  "state": <state>,\n  "ruleArn" : <aws.events.rule-arn>,\n' +
      '  "ruleName" : <aws.events.rule-name>,\n  "originalEvent" : <aws.events.event>\n}',
    expected:
      '{"instance":"i-0123456789","state":"RUNNING","ruleArn":"arn:aws:events:us-east-2:123456789012:rule/example",' +
      `"ruleName":"example","originalEvent":${EC2_WITHOUT_DETAIL}}`,
  },
  { name: 'including reserved variables in a string', event: EC2_EVENT, paths: EC2_PATHS, template: '"<aws.events.rule-name> triggered"', expected: '"example triggered"' },
  {
    name: 'array index path from the example input path ($.resources[0])',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template: '"resource <resource>"',
    expected: '"resource arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"',
  },
  {
    // The guide's "CloudWatch log group" row prints the timestamp unquoted and the message
    // with bare quotes (invalid JSON, reported in awsdocs/amazon-eventbridge-user-guide#25);
    // we render the row's template with the rules of the "Simple JSON" rows.
    name: 'CloudWatch log group template',
    event: EC2_EVENT,
    paths: EC2_PATHS,
    template: String.raw`{
  "timestamp" : <timestamp>,
  "message": "instance \"<instance>\" is in <state>"
}`,
    expected: String.raw`{"timestamp":"2015-11-11T21:29:54Z","message":"instance \"i-0123456789\" is in RUNNING"}`,
  },
];

const CUSTOMER_CREATED = { ...EC2_EVENT, source: 'TestEvent', 'detail-type': 'customerCreated', detail: {} };

const UG_TUTORIAL: TransformerCase[] = [
  {
    name: 'tutorial template',
    event: CUSTOMER_CREATED,
    paths: { 'detail-type': '$.detail-type' },
    template: '"This event was of <detail-type> type."',
    expected: '"This event was of customerCreated type."',
  },
  {
    name: 'tutorial template, variable defined on a path the event lacks',
    event: CUSTOMER_CREATED,
    paths: { 'detail-type': '$.detail.type' },
    template: '"This event was of <detail-type> type."',
    expected: '"This event was of  type."',
  },
];

const API_REF_EVENT = { ...EC2_EVENT, detail: { instance: 'i-abcd1111', status: 'running' } };
const API_REF_PATHS = { instance: '$.detail.instance', status: '$.detail.status' };

const API_REF: TransformerCase[] = [
  {
    // MODEL for the output: placeholders outside quotes are written as JSON values.
    name: 'free-text template',
    event: API_REF_EVENT,
    paths: API_REF_PATHS,
    template: '<instance> is in state <status>',
    expected: '"i-abcd1111" is in state "running"',
  },
  {
    name: 'free-text template with a quoted placeholder',
    event: API_REF_EVENT,
    paths: API_REF_PATHS,
    template: '<instance> is in state "<status>"',
    expected: '"i-abcd1111" is in state "running"',
  },
  {
    name: 'JSON with variables in quotes or out',
    event: API_REF_EVENT,
    paths: API_REF_PATHS,
    template: String.raw`{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}`,
    expected: String.raw`{"myInstance":"i-abcd1111","myStatus":"i-abcd1111 is in state \"running\""}`,
  },
];

const ORDER_EVENT = { ...EC2_EVENT, source: 'shop', 'detail-type': 'OrderPlaced', detail: { orderId: 'o-42', total: 12.5 } };

const UG_APIDEST: TransformerCase[] = [
  {
    name: 'CloudEvents structured-mode template',
    event: EC2_EVENT,
    paths: { detail: '$.detail', 'detail-type': '$.detail-type', id: '$.id', region: '$.region', source: '$.source', time: '$.time' },
    template:
      '{\n  "specversion":"1.0",\n  "id":<id>,\n  "source":<source>,\n  "type":<detail-type>,\n' +
      '  "time":<time>,\n  "region":<region>,\n  "data":<detail>\n}',
    expected:
      '{"specversion":"1.0","id":"7bf73129-1428-4cd3-a780-95db273d1602","source":"aws.ec2",' +
      '"type":"EC2 Instance State-change Notification","time":"2015-11-11T21:29:54Z","region":"us-east-1",' +
      '"data":{"instance-id":"i-0123456789","state":"RUNNING"}}',
  },
  {
    // The partner page prints `aws.events.event.json` without angle brackets and with a
    // trailing comma; this is the template with both typos corrected.
    name: 'Confluent record without a partition key',
    event: ORDER_EVENT,
    template: '{\n  "value":{\n      "type":"JSON",\n      "data":<aws.events.event.json>\n  }\n}',
    expected: `{"value":{"type":"JSON","data":${JSON.stringify(ORDER_EVENT)}}}`,
  },
  {
    name: 'Confluent record keyed by a quoted event field',
    event: ORDER_EVENT,
    paths: { orderId: '$.detail.orderId' },
    template: '{\n  "value":{"type":"JSON","data":<aws.events.event.json>},\n  "key":{"data":"<orderId>","type":"STRING"}\n}',
    expected: `{"value":{"type":"JSON","data":${JSON.stringify(ORDER_EVENT)}},"key":{"data":"o-42","type":"STRING"}}`,
  },
];

export const ACCOUNT_EVENT = {
  version: '0',
  id: '5f6d3e2c-0000-4000-8000-000000000001',
  'detail-type': 'core.update-account-command',
  source: 'core.update-account-command',
  account: '111111111111',
  time: '2024-06-11T08:33:04Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    command: 'update-account',
    payload: { acc_id: '0a787ecb-4015', sf_id: 'baz' },
    severity: ['HIGH'],
    states: ['ACTIVE', 'INACTIVE'],
    urgent: true,
  },
};

const ACCOUNT_PATHS = { 'detail-type': '$.detail-type', timestamp: '$.time', command: '$.detail.command' };
const ACCOUNT_PATHS_MISSING = { ...ACCOUNT_PATHS, command: '$.detail.notinmessage' };
const ACCOUNT_VARS = { id: '$.detail.payload.acc_id', payload: '$.detail.payload', list: '$.detail.severity', states: '$.detail.states', urgent: '$.detail.urgent', body: '$.detail' };

const AWS_RECORDED: TransformerCase[] = [
  {
    name: 'string template, every path present',
    event: ACCOUNT_EVENT,
    paths: ACCOUNT_PATHS,
    template: '"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"',
    expected: '"Event of core.update-account-command type, at time 2024-06-11T08:33:04Z, info extracted from detail update-account"',
  },
  {
    name: 'string template, a path missing from the event renders empty',
    event: ACCOUNT_EVENT,
    paths: ACCOUNT_PATHS_MISSING,
    template: '"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"',
    expected: '"Event of core.update-account-command type, at time 2024-06-11T08:33:04Z, info extracted from detail "',
  },
  {
    name: 'string template starting with JSON-looking characters',
    event: ACCOUNT_EVENT,
    paths: ACCOUNT_PATHS,
    template: '"{[/Check with special starting characters for event of <detail-type> type"',
    expected: '"{[/Check with special starting characters for event of core.update-account-command type"',
  },
  {
    name: 'JSON template, unquoted placeholders become JSON strings',
    event: ACCOUNT_EVENT,
    paths: ACCOUNT_PATHS,
    template: '{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}',
    expected: '{"detailType":"core.update-account-command","time":"2024-06-11T08:33:04Z","command":"update-account"}',
  },
  {
    name: 'JSON template, a missing path renders as the empty string',
    event: ACCOUNT_EVENT,
    paths: ACCOUNT_PATHS_MISSING,
    template: '{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}',
    expected: '{"detailType":"core.update-account-command","time":"2024-06-11T08:33:04Z","command":""}',
  },
  {
    name: 'predefined variables in a string',
    event: ACCOUNT_EVENT,
    template: '"Message containing all pre defined variables <aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"',
    expected: '"Message containing all pre defined variables arn:aws:events:us-east-2:123456789012:rule/example example 2015-11-11T21:29:55Z"',
  },
  {
    name: 'aws.events.event (no detail, detailType, ingestion time) and aws.events.event.json',
    event: ACCOUNT_EVENT,
    template: '{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}',
    expected:
      '{"originalEvent":{"id":"5f6d3e2c-0000-4000-8000-000000000001","account":"111111111111",' +
      '"detailType":"core.update-account-command","time":"2015-11-11T21:29:55Z","source":"core.update-account-command",' +
      `"region":"us-east-1","resources":[],"version":"0"},"originalEventJson":${JSON.stringify(ACCOUNT_EVENT)}}`,
  },
  {
    name: 'placeholder inside a longer JSON string value',
    event: ACCOUNT_EVENT,
    paths: { userId: '$.detail.payload.acc_id', body: '$.detail.payload' },
    template: '{\n  "method" : "PUT",\n  "path" : "users-service/users/<userId>",\n  "body": <body>\n}\n',
    expected: '{"method":"PUT","path":"users-service/users/0a787ecb-4015","body":{"acc_id":"0a787ecb-4015","sf_id":"baz"}}',
  },
  { name: 'the same placeholder twice in one string', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '{"path": "users/<id>/x/<id>"}', expected: '{"path":"users/0a787ecb-4015/x/0a787ecb-4015"}' },
  { name: 'placeholder in a string nested several levels deep', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '{"a": {"b": {"c": "id=<id>"}}}', expected: '{"a":{"b":{"c":"id=0a787ecb-4015"}}}' },
  { name: 'object inside a string template loses its inner quotes', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '"payload is <payload>"', expected: '"payload is {acc_id:0a787ecb-4015,sf_id:baz}"' },
  { name: 'one-item array inside a string template', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '"severity <list>"', expected: '"severity [HIGH]"' },
  { name: 'two-item array inside a string template', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '"states <states>"', expected: '"states [ACTIVE,INACTIVE]"' },
  { name: 'array as an unquoted JSON value', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '{"singlelistitem": <list>}', expected: '{"singlelistitem":["HIGH"]}' },
  { name: 'boolean inside a string template', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '"urgent: <urgent>"', expected: '"urgent: true"' },
  { name: 'object in a quoted JSON value breaks the JSON: not delivered', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '{"payload": "<payload>"}', expected: 'undelivered' },
  { name: 'object inside a longer JSON string: not delivered', event: ACCOUNT_EVENT, paths: ACCOUNT_VARS, template: '{"x": "prefix/<payload>"}', expected: 'undelivered' },
  {
    name: 'escaped quotes around a placeholder stay literal',
    event: ACCOUNT_EVENT,
    paths: ACCOUNT_PATHS,
    template: String.raw`"command \"<command>\" received"`,
    expected: String.raw`"command \"update-account\" received"`,
  },
];

const TYPED_EVENT = {
  ...ACCOUNT_EVENT,
  detail: {
    n: 42,
    price: 19.99,
    flag: false,
    nothing: null,
    empty: '',
    quoted: 'say "hi"',
    multiline: 'line1\nline2',
    unicode: 'héllo ✓',
    items: [{ id: 'a' }, { id: 'b' }],
    none: [],
    tags: { team: 'core' },
  },
};

const TYPED_PATHS = {
  n: '$.detail.n',
  price: '$.detail.price',
  flag: '$.detail.flag',
  nothing: '$.detail.nothing',
  empty: '$.detail.empty',
  quoted: '$.detail.quoted',
  multiline: '$.detail.multiline',
  unicode: '$.detail.unicode',
  ids: '$.detail.items[*].id',
  noIds: '$.detail.none[*].id',
  second: '$.detail.items[1].id',
  tenth: '$.detail.items[9].id',
  throughScalar: '$.detail.n.x',
  missing: '$.detail.absent',
  tags: '$.detail.tags',
  resources: '$.resources',
  all: '$',
  region: '$.region',
};

const t = (name: string, template: string, expected: string): TransformerCase => ({ name, event: TYPED_EVENT, paths: TYPED_PATHS, template, expected });

const MODEL: TransformerCase[] = [
  t('integer as a JSON value', '{"n": <n>}', '{"n":42}'),
  t('integer inside a string', '"n=<n>"', '"n=42"'),
  t('decimal as a JSON value', '{"price": <price>}', '{"price":19.99}'),
  t('boolean as a JSON value', '{"flag": <flag>}', '{"flag":false}'),
  t('null as a JSON value', '{"v": <nothing>}', '{"v":null}'),
  t('null inside a string', '"v=<nothing>"', '"v=null"'),
  t('empty string as a JSON value', '{"e": <empty>}', '{"e":""}'),
  t('object as a JSON value', '{"tags": <tags>}', '{"tags":{"team":"core"}}'),
  t('empty array as a JSON value', '{"r": <resources>}', '{"r":[]}'),
  t('string with quotes as a JSON value is escaped', '{"q": <quoted>}', String.raw`{"q":"say \"hi\""}`),
  t('string with quotes inside a string template is inserted raw', '"q=<quoted>"', '"q=say "hi""'),
  { ...t('string with quotes inside a JSON string: invalid JSON, not delivered', '{"q": "<quoted>"}', ''), expected: 'undelivered' },
  t('newline as a JSON value is escaped', '{"m": <multiline>}', String.raw`{"m":"line1\nline2"}`),
  t('non-ASCII text is kept as is', '{"u": <unicode>}', '{"u":"héllo ✓"}'),
  t('wildcard path yields an array of matches', '{"ids": <ids>}', '{"ids":["a","b"]}'),
  t('wildcard path with no match yields an empty array', '{"ids": <noIds>}', '{"ids":[]}'),
  t('array index into an array of objects', '{"second": <second>}', '{"second":"b"}'),
  t('index past the end is a missing value', '{"tenth": <tenth>}', '{"tenth":""}'),
  t('path through a scalar is a missing value', '{"x": <throughScalar>}', '{"x":""}'),
  t('missing value in free text', 'id: <missing>', 'id: ""'),
  t('missing value in a JSON array', '[<missing>, <n>]', '["",42]'),
  t('JSON array template', '[<region>, <n>, "x"]', '["us-east-1",42,"x"]'),
  t('$ selects the whole event', '{"e": <all>}', `{"e":${JSON.stringify(TYPED_EVENT)}}`),
  t('lone placeholder holding a number', '<n>', '42'),
  t('lone placeholder holding an object', '<tags>', '{"team":"core"}'),
  t('multi-line template of quoted lines', '"line one <region>"\n"line two <n>"', '"line one us-east-1"\n"line two 42"'),
  t('whitespace inside JSON strings survives minification', '{ "a" : "x  y <region>" }', '{"a":"x  y us-east-1"}'),
  t('escaped backslash before a closing quote ends the string', String.raw`{"path": "C:\\", "r": <region>}`, String.raw`{"path":"C:\\","r":"us-east-1"}`),
  t('angle brackets around spaces are not a placeholder', '"1 < 2 and 3 > 2 in <region>"', '"1 < 2 and 3 > 2 in us-east-1"'),
  t('leading whitespace before a JSON template', '  \n {"r": <region>}', '{"r":"us-east-1"}'),
  t('ingestion time as a JSON value', '{"t": <aws.events.event.ingestion-time>}', '{"t":"2015-11-11T21:29:55Z"}'),
  t('rule ARN as a JSON value', '{"rule": <aws.events.rule-arn>}', '{"rule":"arn:aws:events:us-east-2:123456789012:rule/example"}'),
  t('user object inside a string template', '"tags <tags>"', '"tags {team:core}"'),
  t('predefined variable and user variable side by side', '"<aws.events.rule-name>/<region>"', '"example/us-east-1"'),
];

export const TRANSFORMER_CASES: Record<string, TransformerCase[]> = {
  'UG-TRANSFORM': UG_TRANSFORM,
  'UG-TUTORIAL': UG_TUTORIAL,
  'API-REF': API_REF,
  'UG-APIDEST': UG_APIDEST,
  'AWS-RECORDED': AWS_RECORDED,
  MODEL,
};
