/**
 * The spec's API destination partner table (User Guide, "API destination partners") as
 * examples against a local HTTP server: each partner's authorization style, and the input
 * transformers the spec shows for Slack and Confluent, plus the CloudEvents page's
 * Content-Type header and template. Partner hosts are replaced by 127.0.0.1; paths are theirs.
 */
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { reset } from '../helpers/inspect.js';
import { apiKeyConnection, basicConnection, createDestination, deliveriesTo, oauthConnection, putShopEvent, ruleToDestination } from '../helpers/apiDestinations.js';

let emu: Running;
let api: HttpSink;
let tokens: HttpSink;
beforeAll(async () => {
  emu = await startEmulator();
  [api, tokens] = await Promise.all([startHttpSink(), startHttpSink()]);
});
afterAll(async () => {
  await emu.close();
  await Promise.all([api.close(), tokens.close()]);
});
beforeEach(async () => {
  await reset(emu.url);
  api.clear();
  tokens.clear();
  tokens.fallback = () => ({ status: 200, body: '{"access_token":"xoxb-slack-bot-token","token_type":"bot","expires_in":43200}' });
});

async function deliverOne(dest: string, target: Record<string, unknown>, detail: object, detailType = 'Order Placed') {
  await ruleToDestination(emu, dest, target);
  const eventId = await putShopEvent(emu, detail, detailType);
  await emu.emulator.engine.idle();
  expect(api.requests).toHaveLength(1);
  const [delivery] = await deliveriesTo(emu, dest);
  expect(delivery.status).toBe('delivered');
  return { req: api.requests[0], eventId };
}

test('Slack (OAuth): a bearer token, the JSON content type header, and an input transformer giving "channel" and "text"', async () => {
  const conn = await oauthConnection(emu, 'slack', `${tokens.url}/api/oauth.v2.access`);
  const dest = await createDestination(emu, 'slack-post-message', conn, `${api.url}/api/chat.postMessage`);
  const { req } = await deliverOne(
    dest,
    {
      HttpParameters: { HeaderParameters: { 'Content-Type': 'application/json;charset=utf-8' } },
      InputTransformer: { InputPathsMap: { channel: '$.detail.channel', text: '$.detail.message' }, InputTemplate: '{"channel": <channel>, "text": <text>}' },
    },
    { channel: 'C0123456789', message: 'Deploy of shop 1.4.2 finished' },
    'Deployment Finished',
  );
  expect(req.path).toBe('/api/chat.postMessage');
  expect(req.headers.authorization).toBe('Bearer xoxb-slack-bot-token');
  expect(req.headers['content-type']).toBe('application/json;charset=utf-8');
  expect(req.body).toBe('{"channel":"C0123456789","text":"Deploy of shop 1.4.2 finished"}');
});

test('Datadog (API key): the key in the DD-API-KEY header, the whole event as body', async () => {
  const conn = await apiKeyConnection(emu, 'datadog', 'DD-API-KEY', 'dd-0123456789abcdef');
  const dest = await createDestination(emu, 'datadog-events', conn, `${api.url}/api/v1/events`);
  const { req, eventId } = await deliverOne(dest, {}, { orderId: 'o-1' });
  expect(req.headers['dd-api-key']).toBe('dd-0123456789abcdef');
  expect(req.headers.authorization).toBeUndefined();
  expect(JSON.parse(req.body).id).toBe(eventId);
});

test('Splunk (API key named "Authorization"): the HEC token ID is the header value', async () => {
  const conn = await apiKeyConnection(emu, 'splunk-key', 'Authorization', 'hec-token-id-1234');
  const dest = await createDestination(emu, 'splunk-hec', conn, `${api.url}/services/collector/raw`);
  const { req } = await deliverOne(dest, {}, { orderId: 'o-1' });
  expect(req.path).toBe('/services/collector/raw');
  expect(req.headers.authorization).toBe('hec-token-id-1234');
});

test('Splunk (Basic): username "Splunk", the HEC token ID as password', async () => {
  const conn = await basicConnection(emu, 'splunk-basic', 'Splunk', 'hec-token-id-1234');
  const dest = await createDestination(emu, 'splunk-hec', conn, `${api.url}/services/collector/raw`);
  const { req } = await deliverOne(dest, {}, { orderId: 'o-1' });
  expect(req.headers.authorization).toBe(`Basic ${Buffer.from('Splunk:hec-token-id-1234').toString('base64')}`);
});

test('Sumo Logic (no auth needed, so the dummy API key the spec prescribes): the key rides along, the URL carries the secret', async () => {
  const conn = await apiKeyConnection(emu, 'sumo', 'dummy-key', 'dummy-value');
  const dest = await createDestination(emu, 'sumo-http-source', conn, `${api.url}/receiver/v1/http/ZaVnC4dhaV1-UNIQUE-ID`);
  const { req } = await deliverOne(dest, {}, { level: 'info' });
  expect(req.path).toBe('/receiver/v1/http/ZaVnC4dhaV1-UNIQUE-ID');
  expect(req.headers['dummy-key']).toBe('dummy-value');
});

test('Confluent (Basic): the record template with the whole event as JSON value', async () => {
  const conn = await basicConnection(emu, 'confluent', 'CLUSTER_API_KEY', 'CLUSTER_API_SECRET');
  const dest = await createDestination(emu, 'confluent-records', conn, `${api.url}/kafka/v3/clusters/cluster-id/topics/topic-name/records`);
  // The spec's first template, without the trailing comma its page shows after the "value" object.
  const { req, eventId } = await deliverOne(dest, { InputTransformer: { InputTemplate: '{\n  "value":{\n      "type":"JSON",\n      "data":<aws.events.event.json>\n  }\n}' } }, { orderId: 'o-1' });
  const body = JSON.parse(req.body);
  expect(Object.keys(body)).toEqual(['value']);
  expect(body.value.type).toBe('JSON');
  expect(body.value.data).toMatchObject({ id: eventId, source: 'shop', detail: { orderId: 'o-1' } });
});

test('Confluent (Basic): the record template keyed by an event field (orderId as Kafka partition key)', async () => {
  const conn = await basicConnection(emu, 'confluent', 'CLUSTER_API_KEY', 'CLUSTER_API_SECRET');
  const dest = await createDestination(emu, 'confluent-records', conn, `${api.url}/kafka/v3/clusters/cluster-id/topics/topic-name/records`);
  const template = '{\n  "value":{\n    "type":"JSON",\n    "data":<aws.events.event.json>\n  },\n  "key":{\n    "data":"<orderId>",\n    "type":"STRING"\n  }\n}';
  const { req, eventId } = await deliverOne(dest, { InputTransformer: { InputPathsMap: { orderId: '$.detail.orderId' }, InputTemplate: template } }, { orderId: 'o-77' });
  expect(req.headers.authorization).toBe(`Basic ${Buffer.from('CLUSTER_API_KEY:CLUSTER_API_SECRET').toString('base64')}`);
  const body = JSON.parse(req.body);
  expect(body.key).toEqual({ data: 'o-77', type: 'STRING' });
  expect(body.value.data.id).toBe(eventId);
});

test('CloudEvents: a Content-Type header parameter replaces the default, and the structured-mode template', async () => {
  const conn = await basicConnection(emu, 'ce');
  const dest = await createDestination(emu, 'cloudevents', conn, `${api.url}/events`);
  const { req, eventId } = await deliverOne(
    dest,
    {
      HttpParameters: { HeaderParameters: { 'Content-Type': 'application/cloudevents+json; charset=UTF-8' } },
      InputTransformer: {
        InputPathsMap: { detail: '$.detail', 'detail-type': '$.detail-type', id: '$.id', region: '$.region', source: '$.source', time: '$.time' },
        InputTemplate: '{\n  "specversion":"1.0",\n  "id":<id>,\n  "source":<source>,\n  "type":<detail-type>,\n  "time":<time>,\n  "region":<region>,\n  "data":<detail>\n}',
      },
    },
    { orderId: 'o-1' },
  );
  expect(req.headers['content-type']).toBe('application/cloudevents+json; charset=UTF-8');
  expect(req.rawHeaders.filter((h) => h.toLowerCase() === 'content-type')).toHaveLength(1);
  expect(JSON.parse(req.body)).toEqual({
    specversion: '1.0',
    id: eventId,
    source: 'shop',
    type: 'Order Placed',
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    region: 'us-east-1',
    data: { orderId: 'o-1' },
  });
});
