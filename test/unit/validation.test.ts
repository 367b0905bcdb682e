/**
 * The validation engine against AWS's texts. "Observed" cases quote a message real
 * AWS returned, with its source; "derived" cases apply an observed message form to a
 * constraint from the botocore model (no capture of that exact text was found).
 *
 * Sources:
 * [LS-SNAP] LocalStack snapshots recorded against real AWS (aws-facts.md §0), file and test named.
 * [AF§1]    /work/shared/aws-facts.md §1 "Validation message format".
 * Issue threads are named by repository#number.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AwsError } from '../../src/errors.js';
import { OPERATION_NAMES, OPERATIONS, SHAPES } from '../../src/apis/events/model/shapes.generated.js';
import type { StructureShape } from '../../src/apis/events/model/shapeTypes.js';
import { parseRequest, validateRequest } from '../../src/engine/validation/index.js';
import { HIDDEN_TOSTRING_MEMBERS, OBSERVED_ENUM_ORDER } from '../../src/engine/validation/awsQuirks.js';
import { javaHashMapOrder } from '../../src/engine/validation/javaToString.js';
import { compileJavaPattern } from '../../src/engine/validation/javaRegex.js';

function rejection(operation: string, input: unknown): { type: string; message: string } {
  try {
    validateRequest(operation, input);
  } catch (error) {
    if (error instanceof AwsError) return { type: error.type, message: error.message };
    throw error;
  }
  throw new Error(`${operation} accepted ${JSON.stringify(input)}`);
}

const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/my-bus';
const CONNECTION_ARN = 'arn:aws:events:us-east-1:123456789012:connection/conn/6a1b2c3d-1111-2222-3333-444455556666';
const ARCHIVE_ARN = 'arn:aws:events:us-east-1:123456789012:archive/my-archive';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:queue';
const BASIC_AUTH = { BasicAuthParameters: { Username: 'user', Password: 'pass' } };
const target = (extra: Record<string, unknown> = {}) => ({ Id: 'target-1', Arn: QUEUE_ARN, ...extra });

interface Case {
  name: string;
  operation: string;
  input: unknown;
  message: string;
}

describe('ValidationException texts observed on real AWS', () => {
  const observed: Case[] = [
    {
      // [LS-SNAP] test_events.snapshot.json, test_create_connection_validations (2024-12-06):
      // length before pattern for one value, each counted; members in model order.
      name: 'CreateConnection: 3 errors, long name counted twice, bad enum',
      operation: 'CreateConnection',
      input: {
        Name: 'This should fail with two errors 123467890123412341234123412341234',
        AuthorizationType: 'INVALID',
        AuthParameters: BASIC_AUTH,
      },
      message:
        "3 validation errors detected: Value 'This should fail with two errors 123467890123412341234123412341234' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64; Value 'This should fail with two errors 123467890123412341234123412341234' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; Value 'INVALID' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]",
    },
    {
      // [LS-SNAP] test_api_destinations_and_connection.snapshot.json, test_create_connection_name_validation
      name: 'CreateConnection: name pattern',
      operation: 'CreateConnection',
      input: { Name: 'Invalid Name With Spaces!', AuthorizationType: 'BASIC', AuthParameters: BASIC_AUTH },
      message:
        "1 validation error detected: Value 'Invalid Name With Spaces!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      // [LS-SNAP] test_api_destinations_and_connection.snapshot.json, test_create_connection_invalid_parameters
      name: 'CreateConnection: AuthorizationType enum (model order)',
      operation: 'CreateConnection',
      input: { Name: 'conn', AuthorizationType: 'INVALID_AUTH_TYPE', AuthParameters: BASIC_AUTH },
      message:
        "1 validation error detected: Value 'INVALID_AUTH_TYPE' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]",
    },
    {
      // [LS-SNAP] test_api_destinations_and_connection.snapshot.json, test_create_api_destination_name_validation
      name: 'CreateApiDestination: name pattern',
      operation: 'CreateApiDestination',
      input: {
        Name: 'Invalid Name With Spaces!',
        ConnectionArn: CONNECTION_ARN,
        InvocationEndpoint: 'https://example.com/api',
        HttpMethod: 'POST',
      },
      message:
        "1 validation error detected: Value 'Invalid Name With Spaces!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      // [LS-SNAP] test_api_destinations_and_connection.snapshot.json, test_create_api_destination_invalid_parameters:
      // AWS lists HttpMethod in its own order, not the model's (awsQuirks.ts).
      name: 'CreateApiDestination: ConnectionArn pattern and HttpMethod enum in AWS order',
      operation: 'CreateApiDestination',
      input: {
        Name: 'dest',
        ConnectionArn: 'invalid-connection-arn',
        InvocationEndpoint: 'https://example.com/api',
        HttpMethod: 'INVALID_METHOD',
      },
      message:
        "2 validation errors detected: Value 'invalid-connection-arn' at 'connectionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$; Value 'INVALID_METHOD' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]",
    },
    {
      // [LS-SNAP] test_events.snapshot.json, test_put_target_id_validation; also [AF§1]
      name: 'PutTargets: targets.1.member.id pattern',
      operation: 'PutTargets',
      input: { Rule: 'rule', Targets: [target({ Id: '!@#$@!#$' })] },
      message:
        "1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      // aws/serverless-application-model#1742 (2020), quoted from a CloudFormation failure
      name: 'PutTargets: targets.1.member.id too long',
      operation: 'PutTargets',
      input: { Rule: 'rule', Targets: [target({ Id: 'CdPipelineEventsTargetLambdaFunctionActionsEventsRuleLambdaTarget' })] },
      message:
        "1 validation error detected: Value 'CdPipelineEventsTargetLambdaFunctionActionsEventsRuleLambdaTarget' at 'targets.1.member.id' failed to satisfy constraint: Member must have length less than or equal to 64",
    },
    {
      // triggermesh/triggermesh#1306 (2023), `aws events list-targets-by-rule --rule rule/...`
      name: 'ListTargetsByRule: rule pattern',
      operation: 'ListTargetsByRule',
      input: { Rule: 'rule/io_triggermesh_awseventbridgesources-3021178537' },
      message:
        "1 validation error detected: Value 'rule/io_triggermesh_awseventbridgesources-3021178537' at 'rule' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      // aws/aws-sdk-js-v3#2240 (2021): a rule ARN passed as Rule (account id omitted in the report)
      name: 'PutTargets: rule given as an ARN',
      operation: 'PutTargets',
      input: { Rule: 'arn:aws:events:eu-west-1:<omitted>:rule/Test', Targets: [target()] },
      message:
        "1 validation error detected: Value 'arn:aws:events:eu-west-1:<omitted>:rule/Test' at 'rule' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      // AWS's answer quoted in public lab notes (AWS Academy, "Rastreabilidade e Detecção de
      // Eventos de Segurança"), found by code search for "at 'targets.1.member": keys reported
      // once with every key constraint, the map printed in java.util.HashMap order.
      name: 'PutTargets: InputPathsMap keys',
      operation: 'PutTargets',
      input: {
        Rule: 'rule',
        Targets: [
          target({
            InputTransformer: {
              InputPathsMap: {
                'Quem foi?': '$.detail.userIdentity.userName',
                'o que?': '$.detail.eventName',
                'de onde?': '$.detail.sourceIPAddress',
              },
              InputTemplate: '"<o que?>"',
            },
          }),
        ],
      },
      message:
        "1 validation error detected: Value '{de onde?=$.detail.sourceIPAddress, Quem foi?=$.detail.userIdentity.userName, o que?=$.detail.eventName}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]",
    },
  ];

  // [LS-SNAP] test_events.snapshot.json, test_put_events_exceed_limit_ten_entries (2024-12-06):
  // the list printed with Java toString, incl. members absent from the public model.
  const detail = '{"command": "update-account", "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}}';
  const entry = { Source: 'core.update-account-command', DetailType: 'core.update-account-command', Detail: detail, EventBusName: 'my-bus' };
  const printed =
    'PutEventsRequestEntry(time=null, source=core.update-account-command, resources=null, detailType=core.update-account-command, ' +
    `detail=${detail}, eventBusName=my-bus, traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null)`;
  observed.push({
    name: 'PutEvents: 11 entries, Value is the Java toString of the list',
    operation: 'PutEvents',
    input: { Entries: Array.from({ length: 11 }, () => entry) },
    message: `1 validation error detected: Value '[${Array.from({ length: 11 }, () => printed).join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`,
  });

  it.each(observed)('$name', ({ operation, input, message }) => {
    expect(rejection(operation, input)).toEqual({ type: 'ValidationException', message });
  });
});

describe('ValidationException texts derived from the observed form and the model', () => {
  const derived: Case[] = [
    {
      // Missing required member: `Value null at '<path>' ... Member must not be null` (Coral form,
      // observed on other AWS JSON services, e.g. Secrets Manager / EMR CreateSecret, RunJobFlow).
      name: 'CreateEventBus: Name missing',
      operation: 'CreateEventBus',
      input: {},
      message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'CreateEventBus: empty Name fails length and pattern',
      operation: 'CreateEventBus',
      input: { Name: '' },
      message:
        "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+",
    },
    {
      name: 'CreateEventBus: Name of 257 characters',
      operation: 'CreateEventBus',
      input: { Name: 'a'.repeat(257) },
      message: `1 validation error detected: Value '${'a'.repeat(257)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 256`,
    },
    {
      name: 'PutRule: Name pattern (whole value must match)',
      operation: 'PutRule',
      input: { Name: 'my/rule' },
      message:
        "1 validation error detected: Value 'my/rule' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      name: 'PutRule: State enum',
      operation: 'PutRule',
      input: { Name: 'rule', State: 'ON' },
      message:
        "1 validation error detected: Value 'ON' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]",
    },
    {
      // `Value '0' at 'limit' ... greater than or equal to 1` is observed verbatim on DynamoDB and KMS.
      name: 'ListRules: Limit 0',
      operation: 'ListRules',
      input: { Limit: 0 },
      message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    },
    {
      name: 'ListRules: Limit 101',
      operation: 'ListRules',
      input: { Limit: 101 },
      message: "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    },
    {
      name: 'ListRules: Limit 0.5 is truncated to 0 first',
      operation: 'ListRules',
      input: { Limit: 0.5 },
      message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    },
    {
      name: 'PutTargets: RetryPolicy ranges, nested path',
      operation: 'PutTargets',
      input: { Rule: 'rule', Targets: [target({ RetryPolicy: { MaximumRetryAttempts: 186, MaximumEventAgeInSeconds: 59 } })] },
      message:
        "2 validation errors detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185; Value '59' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    },
    {
      name: 'PutTargets: missing Arn in the second target, after a bad rule name',
      operation: 'PutTargets',
      input: { Rule: 'bad rule', Targets: [target(), { Id: 'second' }] },
      message:
        "2 validation errors detected: Value 'bad rule' at 'rule' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; Value null at 'targets.2.member.arn' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'PutEvents: empty Entries',
      operation: 'PutEvents',
      input: { Entries: [] },
      message: "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    },
    {
      name: 'RemoveTargets: list of strings, element path',
      operation: 'RemoveTargets',
      input: { Rule: 'rule', Ids: ['ok', 'not ok'] },
      message:
        "1 validation error detected: Value 'not ok' at 'ids.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    },
    {
      // Sensitive values are omitted (`Value at`), as AWS does for Cognito's sensitive
      // username: "2 validation errors detected: Value at 'username' failed to satisfy ...".
      name: 'CreateConnection: empty sensitive Password is not echoed',
      operation: 'CreateConnection',
      input: { Name: 'conn', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'user', Password: '' } } },
      message:
        "2 validation errors detected: Value at 'authParameters.basicAuthParameters.password' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'authParameters.basicAuthParameters.password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[ \\t]*[^\\x00-\\x1F:\\x7F]+([ \\t]+[^\\x00-\\x1F:\\x7F]+)*[ \\t]*$",
    },
    {
      name: 'PutTargets: HttpParameters header values, reported once for the map',
      operation: 'PutTargets',
      input: { Rule: 'rule', Targets: [target({ HttpParameters: { HeaderParameters: { 'X-Ok': 'fine', 'X-Bad': 'tab\u0001' } } })] },
      message:
        "1 validation error detected: Value '{X-Ok=fine, X-Bad=tab\u0001}' at 'targets.1.member.httpParameters.headerParameters' failed to satisfy constraint: Map values must satisfy constraint: [Member must have length less than or equal to 512, Member must satisfy regular expression pattern: ^[ \\t]*[\\x20-\\x7E]+([ \\t]+[\\x20-\\x7E]+)*[ \\t]*$]",
    },
  ];

  it.each(derived)('$name', ({ operation, input, message }) => {
    expect(rejection(operation, input)).toEqual({ type: 'ValidationException', message });
  });
});

describe('SerializationException for JSON values of the wrong kind', () => {
  // Coral JSON deserializer texts (evidence in src/engine/validation/readRequest.ts).
  const cases: Array<[string, string, unknown, string]> = [
    ['number for a string', 'CreateEventBus', { Name: 123 }, 'NUMBER_VALUE can not be converted to a String'],
    ['boolean for a string', 'CreateEventBus', { Name: false }, 'FALSE_VALUE can not be converted to a String'],
    ['list for a string', 'CreateEventBus', { Name: ['bus'] }, 'Start of list found where not expected'],
    ['object for a string', 'CreateEventBus', { Name: { a: 1 } }, 'Start of structure or map found where not expected.'],
    ['string for an integer', 'ListRules', { Limit: '10' }, 'STRING_VALUE can not be converted to an Integer'],
    ['boolean for an integer', 'ListRules', { Limit: true }, 'TRUE_VALUE can not be converted to an Integer'],
    ['object for a list', 'PutTargets', { Rule: 'r', Targets: {} }, 'Start of structure or map found where not expected.'],
    ['string for a list', 'PutTargets', { Rule: 'r', Targets: 'x' }, 'Expected list or null'],
    ['string for a structure', 'PutTargets', { Rule: 'r', Targets: [target({ InputTransformer: 'x' })] }, 'Expected null'],
    ['number for a map', 'PutTargets', { Rule: 'r', Targets: [target({ HttpParameters: { HeaderParameters: 1 } })] }, 'Expected null'],
    ['string for a boolean', 'DeleteRule', { Name: 'r', Force: 'true' }, 'STRING_VALUE can not be converted to a Boolean'],
    [
      'string for a timestamp',
      'PutEvents',
      { Entries: [{ Time: '2024-01-01T00:00:00Z' }] },
      'STRING_VALUE can not be converted to milliseconds since epoch',
    ],
    ['a list as the whole body', 'ListRules', [], 'Start of list found where not expected'],
  ];

  it.each(cases)('%s', (_name, operation, input, message) => {
    expect(rejection(operation, input)).toEqual({ type: 'SerializationException', message });
  });

  it('wins over constraint violations elsewhere in the request', () => {
    expect(rejection('ListRules', { NamePrefix: 'not valid!', Limit: 'ten' }).type).toBe('SerializationException');
  });
});

describe('what AWS accepts', () => {
  it('ignores unknown members, whatever their type', () => {
    expect(() => validateRequest('CreateEventBus', { Name: 'bus', Bogus: { nested: [1] }, name: 5 })).not.toThrow();
  });

  it('treats null as absent: optional passes, required is reported missing', () => {
    expect(() => validateRequest('CreateEventBus', { Name: 'bus', Description: null })).not.toThrow();
    expect(rejection('CreateEventBus', { Name: null }).message).toBe(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  });

  it('returns the request as AWS reads it', () => {
    expect(
      parseRequest('ListRules', { NamePrefix: 'a', Limit: 5.9, EventBusName: null, Unknown: 1 }),
    ).toEqual({ NamePrefix: 'a', Limit: 5 });
    expect(parseRequest('RemoveTargets', { Rule: 'r', Ids: ['a', null, 'b'] })).toEqual({ Rule: 'r', Ids: ['a', 'b'] });
  });

  it('reads what differs wherever it is: first, middle or last member or item, nested', () => {
    const input = {
      Rule: 'r',
      Targets: [
        { Id: 'a', Arn: 'arn:a' },
        { Unknown: 1, Id: 'b', Arn: 'arn:b' },
        null,
        { Id: 'c', RoleArn: null, Arn: 'arn:c', RetryPolicy: { MaximumRetryAttempts: 2.5, MaximumEventAgeInSeconds: 60 } },
        { Id: 'd', Arn: 'arn:d', Extra: null },
      ],
      EventBusName: null,
    };
    const before = JSON.stringify(input);
    expect(parseRequest('PutTargets', input)).toEqual({
      Rule: 'r',
      Targets: [
        { Id: 'a', Arn: 'arn:a' },
        { Id: 'b', Arn: 'arn:b' },
        { Id: 'c', Arn: 'arn:c', RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 } },
        { Id: 'd', Arn: 'arn:d' },
      ],
    });
    // The caller's value is read, never changed.
    expect(JSON.stringify(input)).toBe(before);
    const valid = { Rule: 'r', Targets: [{ Id: 'a', Arn: 'arn:a' }] };
    expect(parseRequest('PutTargets', valid)).toEqual(valid);
  });

  it('reports the path of a failing value deep in lists, after valid siblings', () => {
    const targets = [target({}), target({}), target({ RetryPolicy: { MaximumRetryAttempts: 200 } })];
    expect(rejection('PutTargets', { Rule: 'r', Targets: targets }).message).toBe(
      "1 validation error detected: Value '200' at 'targets.3.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185",
    );
  });

  it('takes timestamps as epoch seconds, fractions included', () => {
    expect(() => validateRequest('PutEvents', { Entries: [{ Time: 1700000000.123, Source: 's' }] })).not.toThrow();
  });

  it('accepts an empty or absent body for operations without required members', () => {
    expect(() => validateRequest('ListEventBuses', undefined)).not.toThrow();
    expect(() => validateRequest('ListEventBuses', {})).not.toThrow();
  });

  it('applies Java pattern semantics: Unicode classes, whole-value match, `/` only where allowed', () => {
    const runCommand = (key: string) => ({
      Rule: 'r',
      Targets: [target({ RunCommandParameters: { RunCommandTargets: [{ Key: key, Values: ['v'] }] } })],
    });
    expect(() => validateRequest('PutTargets', runCommand('tag:Ключ_1'))).not.toThrow();
    expect(rejection('PutTargets', runCommand('tag:key!')).type).toBe('ValidationException');
    expect(() => validateRequest('CreateEventBus', { Name: 'aws.partner/example.com/123/source' })).not.toThrow();
    expect(rejection('PutRule', { Name: 'a\nb' }).type).toBe('ValidationException');
  });
});

describe('Java toString details', () => {
  it('orders map entries like java.util.HashMap, across a resize', () => {
    // Expected orders printed by OpenJDK 17 (new HashMap<>() + put() in this insertion order).
    expect(javaHashMapOrder(['Quem foi?', 'o que?', 'de onde?'])).toEqual(['de onde?', 'Quem foi?', 'o que?']);
    const keys = Array.from({ length: 13 }, (_, i) => `key${i}`);
    expect(javaHashMapOrder(keys)).toEqual(JAVA_ORDER_OF_13_KEYS);
  });
});

describe('the generated table', () => {
  it('lists the 57 operations, each with a structure input shape whose members it lists', () => {
    expect(OPERATION_NAMES).toHaveLength(57);
    for (const name of OPERATION_NAMES) {
      const { input, inputMembers, outputMembers, output } = OPERATIONS[name];
      const inputShape = SHAPES[input ?? ''] as StructureShape | undefined;
      expect(inputShape?.type).toBe('structure');
      expect(inputMembers).toEqual(Object.keys(inputShape!.members));
      if (output === null) expect(outputMembers).toEqual([]);
      else expect(outputMembers).toEqual(Object.keys((SHAPES[output] as StructureShape).members));
    }
  });

  it('has a minimal valid input for every operation, and each passes', () => {
    expect(Object.keys(MINIMAL_INPUTS).sort()).toEqual([...OPERATION_NAMES].sort());
    for (const [operation, input] of Object.entries(MINIMAL_INPUTS)) {
      expect(() => validateRequest(operation, input)).not.toThrow();
    }
  });

  it('rejects every minimal input once a required member is removed', () => {
    for (const [operation, input] of Object.entries(MINIMAL_INPUTS)) {
      const shape = SHAPES[OPERATIONS[operation as keyof typeof OPERATIONS].input!] as StructureShape;
      for (const member of shape.required ?? []) {
        const { [member]: _removed, ...rest } = input as Record<string, unknown>;
        expect(rejection(operation, rest).message).toContain(`Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}'`);
      }
    }
  });

  it('keeps the AWS quirk tables consistent with the model', () => {
    for (const [shapeName, order] of Object.entries(OBSERVED_ENUM_ORDER)) {
      const shape = SHAPES[shapeName];
      expect(shape?.type === 'string' ? [...(shape.enum ?? [])].sort() : undefined).toEqual([...order].sort());
    }
    for (const shapeName of Object.keys(HIDDEN_TOSTRING_MEMBERS)) expect(SHAPES[shapeName]?.type).toBe('structure');
  });

  it('is what scripts/gen-shapes.py prints from the installed botocore', () => {
    let generated: string;
    try {
      generated = execFileSync('python3', [fileURLToPath(new URL('../../scripts/gen-shapes.py', import.meta.url))], {
        encoding: 'utf8',
      });
    } catch (error) {
      throw new Error(`python3 with botocore is required to check the generated table: ${String(error)}`);
    }
    expect(readFileSync(new URL('../../src/apis/events/model/shapes.generated.ts', import.meta.url), 'utf8')).toBe(generated);
  });
});

/** Printed by OpenJDK 17 for `key0`..`key12` put in order into a new HashMap (capacity 32 after the 13th put). */
const JAVA_ORDER_OF_13_KEYS = ['key1', 'key2', 'key0', 'key5', 'key6', 'key3', 'key4', 'key9', 'key7', 'key8', 'key11', 'key10', 'key12'];

const MINIMAL_INPUTS: Record<string, unknown> = {
  ActivateEventSource: { Name: 'aws.partner/example.com/123/source' },
  CancelReplay: { ReplayName: 'replay' },
  CreateApiDestination: { Name: 'dest', ConnectionArn: CONNECTION_ARN, InvocationEndpoint: 'https://example.com/hook', HttpMethod: 'POST' },
  CreateArchive: { ArchiveName: 'archive', EventSourceArn: BUS_ARN },
  CreateConnection: { Name: 'conn', AuthorizationType: 'BASIC', AuthParameters: BASIC_AUTH },
  CreateEndpoint: {
    Name: 'endpoint',
    RoutingConfig: {
      FailoverConfig: {
        Primary: { HealthCheck: 'arn:aws:route53:::healthcheck/abc-123' },
        Secondary: { Route: 'us-west-2' },
      },
    },
    EventBuses: [{ EventBusArn: BUS_ARN }, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/my-bus' }],
  },
  CreateEventBus: { Name: 'bus' },
  CreatePartnerEventSource: { Name: 'aws.partner/example.com/123/source', Account: '123456789012' },
  DeactivateEventSource: { Name: 'aws.partner/example.com/123/source' },
  DeauthorizeConnection: { Name: 'conn' },
  DeleteApiDestination: { Name: 'dest' },
  DeleteArchive: { ArchiveName: 'archive' },
  DeleteConnection: { Name: 'conn' },
  DeleteEndpoint: { Name: 'endpoint' },
  DeleteEventBus: { Name: 'bus' },
  DeletePartnerEventSource: { Name: 'aws.partner/example.com/123/source', Account: '123456789012' },
  DeleteRule: { Name: 'rule' },
  DescribeApiDestination: { Name: 'dest' },
  DescribeArchive: { ArchiveName: 'archive' },
  DescribeConnection: { Name: 'conn' },
  DescribeEndpoint: { Name: 'endpoint' },
  DescribeEventBus: {},
  DescribeEventSource: { Name: 'aws.partner/example.com/123/source' },
  DescribePartnerEventSource: { Name: 'aws.partner/example.com/123/source' },
  DescribeReplay: { ReplayName: 'replay' },
  DescribeRule: { Name: 'rule' },
  DisableRule: { Name: 'rule' },
  EnableRule: { Name: 'rule' },
  ListApiDestinations: {},
  ListArchives: {},
  ListConnections: {},
  ListEndpoints: {},
  ListEventBuses: {},
  ListEventSources: {},
  ListPartnerEventSourceAccounts: { EventSourceName: 'aws.partner/example.com/123/source' },
  ListPartnerEventSources: { NamePrefix: 'aws.partner/example.com/' },
  ListReplays: {},
  ListRuleNamesByTarget: { TargetArn: QUEUE_ARN },
  ListRules: {},
  ListTagsForResource: { ResourceARN: BUS_ARN },
  ListTargetsByRule: { Rule: 'rule' },
  PutEvents: { Entries: [{}] },
  PutPartnerEvents: { Entries: [{}] },
  PutPermission: {},
  PutRule: { Name: 'rule' },
  PutTargets: { Rule: 'rule', Targets: [target()] },
  RemovePermission: {},
  RemoveTargets: { Rule: 'rule', Ids: ['target-1'] },
  StartReplay: {
    ReplayName: 'replay',
    EventSourceArn: ARCHIVE_ARN,
    EventStartTime: 1700000000,
    EventEndTime: 1700003600,
    Destination: { Arn: BUS_ARN },
  },
  TagResource: { ResourceARN: BUS_ARN, Tags: [] },
  TestEventPattern: { EventPattern: '{"source":["a"]}', Event: '{}' },
  UntagResource: { ResourceARN: BUS_ARN, TagKeys: [] },
  UpdateApiDestination: { Name: 'dest' },
  UpdateArchive: { ArchiveName: 'archive' },
  UpdateConnection: { Name: 'conn' },
  UpdateEndpoint: { Name: 'endpoint' },
  UpdateEventBus: {},
};

// The patterns are compiled on first use (not at start-up): one the translator cannot compile
// would then surface only at a request naming that shape, so every one is compiled here.
test('every pattern of the model compiles', () => {
  const patterns = Object.values(SHAPES).flatMap((shape) => (shape.type === 'string' && shape.pattern !== undefined ? [shape.pattern] : []));
  expect(patterns.length).toBeGreaterThan(50);
  for (const pattern of patterns) expect(compileJavaPattern(pattern)).toBeInstanceOf(RegExp);
});
