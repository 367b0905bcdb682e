/** ARNs as AWS forms them (see ../shared/aws-facts.md §3). */
export function eventBusArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:event-bus/${name}`;
}

export function ruleArn(region: string, account: string, busName: string, ruleName: string): string {
  return busName === 'default'
    ? `arn:aws:events:${region}:${account}:rule/${ruleName}`
    : `arn:aws:events:${region}:${account}:rule/${busName}/${ruleName}`;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon, e.g. `event-bus/orders`. */
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/**
 * `EventBusName` members accept a name or a bus ARN. Returns the bus name and,
 * for an ARN, the account and region it names.
 */
export function parseEventBusNameOrArn(nameOrArn: string): { name: string; account?: string; region?: string } {
  if (!nameOrArn.startsWith('arn:')) return { name: nameOrArn };
  const arn = parseArn(nameOrArn);
  const prefix = 'event-bus/';
  if (!arn || arn.service !== 'events' || !arn.resource.startsWith(prefix)) return { name: nameOrArn };
  return { name: arn.resource.slice(prefix.length), account: arn.account, region: arn.region };
}
