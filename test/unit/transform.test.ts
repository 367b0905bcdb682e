import {
  evaluateJsonPath,
  renderTargetInput,
  TargetInputError,
  validateTargetInput,
  type TargetInputConfig,
} from '../../src/engine/transform/index.js';
import { JsonObjectText } from '../../src/engine/patterns/index.js';
import { ACCOUNT_EVENT, EC2_EVENT, RULE, TRANSFORMER_CASES, type TransformerCase } from './transform-cases.js';

function transformerConfig(c: TransformerCase): TargetInputConfig {
  return { InputTransformer: { InputPathsMap: c.paths, InputTemplate: c.template } };
}

describe('InputTransformer rendering', () => {
  const groups = Object.entries(TRANSFORMER_CASES);

  it('covers at least 60 cases', () => {
    expect(groups.flatMap(([, cases]) => cases).length).toBeGreaterThanOrEqual(60);
  });

  describe.each(groups)('%s', (_group, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const config = transformerConfig(c);
      expect(validateTargetInput(config, 't1')).toBeUndefined();
      const render = () => renderTargetInput(c.event, config, RULE);
      if (c.expected === 'undelivered') {
        expect(render).toThrow(TargetInputError);
      } else {
        expect(render()).toBe(c.expected);
      }
    });
  });

  it('does not let an InputPathsMap entry overwrite a predefined variable', () => {
    const config = { InputTransformer: { InputPathsMap: { 'aws.events.rule-name': '$.source' }, InputTemplate: '"<aws.events.rule-name>"' } };
    expect(renderTargetInput(EC2_EVENT, config, RULE)).toBe('"example"');
  });
});

describe('InputPath', () => {
  const cases: Array<[string, string, string]> = [
    // Recorded on AWS (LocalStack parity snapshots, 2024-05): detail, nested object, string leaf.
    ['$.detail', '$.detail', JSON.stringify(ACCOUNT_EVENT.detail)],
    ['nested object', '$.detail.payload', '{"acc_id":"0a787ecb-4015","sf_id":"baz"}'],
    ['a string leaf keeps its JSON quotes', '$.detail.payload.sf_id', '"baz"'],
    ['the whole event', '$', JSON.stringify(ACCOUNT_EVENT)],
    ['array index', '$.detail.states[1]', '"INACTIVE"'],
    ['bracket notation (allowed for InputPath)', "$['detail']['command']", '"update-account"'],
    ['wildcard', '$.detail.states[*]', '["ACTIVE","INACTIVE"]'],
    ['boolean leaf', '$.detail.urgent', 'true'],
    ['empty array', '$.resources', '[]'],
  ];

  it.each(cases)('%s', (_name, path, expected) => {
    expect(renderTargetInput(ACCOUNT_EVENT, { InputPath: path }, RULE)).toBe(expected);
  });

  it('a path that selects nothing is not delivered', () => {
    expect(() => renderTargetInput(ACCOUNT_EVENT, { InputPath: '$.detail.nope' }, RULE)).toThrow(TargetInputError);
  });
});

describe('Input and the default body', () => {
  it('sends Input verbatim, whitespace included', () => {
    const input = '{ "custom-value": "somecustominput" }';
    expect(renderTargetInput(ACCOUNT_EVENT, { Input: input }, RULE)).toBe(input);
  });

  it('sends a JSON string Input as is', () => {
    expect(renderTargetInput(ACCOUNT_EVENT, { Input: '"just text"' }, RULE)).toBe('"just text"');
  });

  it('sends the whole event as JSON when nothing is configured', () => {
    expect(renderTargetInput(ACCOUNT_EVENT, {}, RULE)).toBe(JSON.stringify(ACCOUNT_EVENT));
  });
});

describe('validateTargetInput', () => {
  const only = 'Only one of Input, InputPath, or InputTransformer must be provided for target t1.';
  const transformer = { InputTemplate: '"<a>"', InputPathsMap: { a: '$.a' } };
  const cases: Array<[string, TargetInputConfig, string | undefined]> = [
    ['nothing configured', {}, undefined],
    ['Input alone', { Input: '{"a":1}' }, undefined],
    ['InputPath alone', { InputPath: '$.detail' }, undefined],
    ['InputTransformer alone', { InputTransformer: transformer }, undefined],
    // Recorded on AWS (2024-05).
    ['InputPath with InputTransformer', { InputPath: '$.detail', InputTransformer: transformer }, only],
    ['Input with InputPath', { Input: '{}', InputPath: '$' }, only],
    ['Input with InputTransformer', { Input: '{}', InputTransformer: transformer }, only],
    ['all three', { Input: '{}', InputPath: '$', InputTransformer: transformer }, only],
    ['exclusivity is checked before Input JSON', { Input: 'nope', InputPath: '$' }, only],
    // Wording and location from AWS answers quoted in aws/aws-cli#6711 and community.aws#201.
    ['Input that is not JSON', { Input: 'env:dev' }, 'JSON syntax error in input for target t1: [Source: (String)"env:dev"; line: 1, column: 4]'],
    ['Input with single quotes', { Input: "{'env':'dev'}" }, `JSON syntax error in input for target t1: [Source: (String)"{'env':'dev'}"; line: 1, column: 3]`],
    ['Input cut short', { Input: '{"a":1' }, 'JSON syntax error in input for target t1: [Source: (String)"{"a":1"; line: 1, column: 7]'],
    ['Input error on a later line', { Input: '{\n  "a": tru\n}' }, 'JSON syntax error in input for target t1: [Source: (String)"{\n  "a": tru\n}"; line: 2, column: 11]'],
    ['Input with trailing text', { Input: '{} x' }, 'JSON syntax error in input for target t1: [Source: (String)"{} x"; line: 1, column: 5]'],
    ['Input that is a JSON scalar', { Input: '42' }, undefined],
    ['Input that is a JSON array', { Input: '[1, "two", {"three": null}]' }, undefined],
    // Recorded on AWS (2024-06).
    [
      'placeholder without an InputPathsMap entry',
      { InputTransformer: { InputPathsMap: { a: '$.a' }, InputTemplate: '"Event of <a> type, with not defined key <notdefinedkey>"' } },
      'InputTemplate for target t1 contains invalid placeholder notdefinedkey.',
    ],
    ['predefined variables need no entry', { InputTransformer: { InputTemplate: '{"r": <aws.events.rule-arn>, "e": <aws.events.event.json>}' } }, undefined],
    ['the first invalid placeholder is named', { InputTransformer: { InputTemplate: '"<x> <y>"' } }, 'InputTemplate for target t1 contains invalid placeholder x.'],
    ['an HTML-like tag is a placeholder too', { InputTransformer: { InputTemplate: '"<b>bold</b>"' } }, 'InputTemplate for target t1 contains invalid placeholder b.'],
    ['a misspelt predefined variable', { InputTransformer: { InputTemplate: '"<aws.events.rulename>"' } }, 'InputTemplate for target t1 contains invalid placeholder aws.events.rulename.'],
    ['angle brackets around spaces are not placeholders', { InputTransformer: { InputTemplate: '"1 < 2 and 3 > 2"' } }, undefined],
    ['JSONPaths are not checked', { InputTransformer: { InputPathsMap: { a: 'not a path' }, InputTemplate: '"<a>"' } }, undefined],
  ];

  it.each(cases)('%s', (_name, config, expected) => {
    expect(validateTargetInput(config, 't1')).toBe(expected);
  });

  it('truncates a long Input in the message as Jackson does', () => {
    const input = 'x'.repeat(520);
    const message = validateTargetInput({ Input: input }, 't1');
    expect(message).toBe(`JSON syntax error in input for target t1: [Source: (String)"${'x'.repeat(500)}"[truncated 20 chars]; line: 1, column: 521]`);
  });
});

describe('evaluateJsonPath', () => {
  const doc = { a: { b: [10, { c: 'deep' }], 'x-y': 1, 'p/q': 2, n: null }, list: [{ id: 1 }, { id: 2 }, { name: 'x' }] };
  const cases: Array<[string, { found: boolean; value?: unknown }]> = [
    ['$', { found: true, value: doc }],
    ['$.a.b[0]', { found: true, value: 10 }],
    ['$.a.b[1].c', { found: true, value: 'deep' }],
    ['$.a.x-y', { found: true, value: 1 }],
    ['$.a.p/q', { found: true, value: 2 }],
    ['$.a.n', { found: true, value: null }],
    ["$['a']['x-y']", { found: true, value: 1 }],
    ['$.list[*].id', { found: true, value: [1, 2] }],
    ['$.list.*.name', { found: true, value: ['x'] }],
    ['$.a.*', { found: true, value: [doc.a.b, 1, 2, null] }],
    ['$.missing[*]', { found: true, value: [] }],
    ['$.a.missing', { found: false }],
    ['$.a.b[5]', { found: false }],
    ['$.a.b.c', { found: false }],
    ['$.list.id', { found: false }],
    ['$..c', { found: false }],
    ['$.a.b[0:1]', { found: false }],
    ['a.b', { found: false }],
    ['', { found: false }],
  ];

  it.each(cases)('%s', (path, expected) => {
    expect(evaluateJsonPath(doc, path)).toEqual(expected);
  });
});

describe('evaluateJsonPath on an event whose Detail is still text (a PutEvents Detail delivered as it was sent)', () => {
  const detailText = '{"customer":{"id":"c-7","tags":["a","b"]},"total":42}';
  const event = { id: 'e-1', source: 'shop', detail: new JsonObjectText(detailText) };
  const cases: Array<[string, { found: boolean; value?: unknown }]> = [
    ['$.detail.customer.id', { found: true, value: 'c-7' }],
    ['$.detail.customer.tags[1]', { found: true, value: 'b' }],
    ['$.detail.total', { found: true, value: 42 }],
    ['$.detail', { found: true, value: JSON.parse(detailText) }],
    ['$.detail.*', { found: true, value: [{ id: 'c-7', tags: ['a', 'b'] }, 42] }],
    ['$.*', { found: true, value: ['e-1', 'shop', JSON.parse(detailText)] }],
    ['$.detail.missing', { found: false }],
    ['$.source', { found: true, value: 'shop' }],
  ];

  it.each(cases)('%s', (path, expected) => {
    // The same as on the event with its Detail parsed.
    expect(evaluateJsonPath(event, path)).toEqual(expected);
    expect(evaluateJsonPath({ ...event, detail: JSON.parse(detailText) }, path)).toEqual(expected);
  });
});
