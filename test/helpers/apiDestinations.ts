/** Shortcuts for API destination tests: connection -> API destination -> rule -> target -> event, through the SDK. */
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type ApiDestinationHttpMethod,
  type CreateConnectionCommandInput,
  type Target,
} from '@aws-sdk/client-eventbridge';
import type { Running } from './emulator.js';
import { inspect } from './inspect.js';

export const roleArn = 'arn:aws:iam::000000000000:role/eventbridge-invoke-api-destination';
export const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:api-dlq';

export async function createConnection(emu: Running, input: CreateConnectionCommandInput): Promise<string> {
  return (await emu.client.send(new CreateConnectionCommand(input))).ConnectionArn!;
}

export const basicConnection = (emu: Running, Name = 'basic', Username = 'user', Password = 'pa55word', extra: Partial<CreateConnectionCommandInput['AuthParameters']> = {}) =>
  createConnection(emu, { Name, AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username, Password }, ...extra } });

export const apiKeyConnection = (emu: Running, Name: string, ApiKeyName: string, ApiKeyValue: string, extra: Partial<CreateConnectionCommandInput['AuthParameters']> = {}) =>
  createConnection(emu, { Name, AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName, ApiKeyValue }, ...extra } });

export const oauthConnection = (emu: Running, Name: string, tokenUrl: string, extra: Partial<CreateConnectionCommandInput['AuthParameters']> = {}) =>
  createConnection(emu, {
    Name,
    AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
    AuthParameters: {
      OAuthParameters: { ClientParameters: { ClientID: 'client-1', ClientSecret: 'client-s3cret' }, AuthorizationEndpoint: tokenUrl, HttpMethod: 'POST' },
      ...extra,
    },
  });

export async function createDestination(emu: Running, Name: string, ConnectionArn: string, InvocationEndpoint: string, HttpMethod = 'POST', InvocationRateLimitPerSecond?: number): Promise<string> {
  const res = await emu.client.send(new CreateApiDestinationCommand({ Name, ConnectionArn, InvocationEndpoint, HttpMethod: HttpMethod as ApiDestinationHttpMethod, InvocationRateLimitPerSecond }));
  return res.ApiDestinationArn!;
}

/** A rule on the default bus matching `source: shop`, with the API destination as its only target. */
export async function ruleToDestination(emu: Running, destinationArn: string, target: Partial<Target> = {}, Name = 'to-api'): Promise<string> {
  const rule = await emu.client.send(new PutRuleCommand({ Name, EventPattern: JSON.stringify({ source: ['shop'] }) }));
  const put = await emu.client.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'api', Arn: destinationArn, RoleArn: roleArn, ...target }] }));
  expect(put.FailedEntryCount).toBe(0);
  return rule.RuleArn!;
}

export async function putShopEvent(emu: Running, detail: object = { orderId: 'o-1', total: 42 }, DetailType = 'Order Placed'): Promise<string> {
  const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType, Detail: JSON.stringify(detail) }] }));
  expect(res.FailedEntryCount).toBe(0);
  return res.Entries![0].EventId!;
}

export async function deliveriesTo(emu: Running, targetArn: string): Promise<any[]> {
  return (await inspect(emu.url, `deliveries?targetArn=${encodeURIComponent(targetArn)}`)).deliveries;
}

/** Advance the virtual clock in steps, letting the engine finish what each step made due. */
export async function advance(emu: Running, ms: number, step = ms): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    emu.emulator.clock.advance(Math.min(step, ms - done));
    await emu.emulator.engine.idle();
  }
}
