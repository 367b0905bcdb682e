/**
 * Event bus resource policies: the statements PutPermission writes, and the check
 * that lets another account put events on a bus (by PutEvents with the bus ARN, or
 * through an event-bus target). Only what EventBridge policies use is evaluated:
 * Allow/Deny statements on events:PutEvents for an account, its root ARN or `*`.
 */
import { PolicyLengthExceededException, ResourceNotFoundException } from '../errors.js';

export const maxPolicyLength = 10_240;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*' | { AWS: string | string[] };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export function parsePolicy(text: string | undefined): PolicyDocument {
  if (!text) return { Version: '2012-10-17', Statement: [] };
  const doc = JSON.parse(text) as PolicyDocument;
  if (!Array.isArray(doc.Statement)) doc.Statement = doc.Statement ? [doc.Statement as unknown as PolicyStatement] : [];
  return doc;
}

export function serializePolicy(doc: PolicyDocument): string | undefined {
  if (doc.Statement.length === 0) return undefined;
  const text = JSON.stringify(doc);
  if (text.length > maxPolicyLength) throw new PolicyLengthExceededException(`Policy length exceeds the limit of ${maxPolicyLength} characters.`);
  return text;
}

export function removeStatement(doc: PolicyDocument, sid: string): void {
  const at = doc.Statement.findIndex((s) => s.Sid === sid);
  if (at < 0) throw new ResourceNotFoundException('Statement with the provided id does not exist.');
  doc.Statement.splice(at, 1);
}

/** May `account` perform `action` on `resourceArn` under this policy? Deny wins; no statement means no. */
export function policyAllows(policyText: string | undefined, account: string, action: string, resourceArn: string): boolean {
  let allowed = false;
  for (const statement of parsePolicy(policyText).Statement) {
    if (!principalMatches(statement.Principal, account) || !anyMatches(statement.Action, action) || !anyMatches(statement.Resource, resourceArn)) continue;
    // Conditions (e.g. aws:PrincipalOrgID) cannot be satisfied here: the emulator knows no organizations.
    if (statement.Condition && Object.keys(statement.Condition).length > 0) continue;
    if (statement.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

function principalMatches(principal: PolicyStatement['Principal'], account: string): boolean {
  if (principal === '*') return true;
  const values = Array.isArray(principal.AWS) ? principal.AWS : [principal.AWS];
  return values.some((p) => p === '*' || p === account || p === `arn:aws:iam::${account}:root`);
}

function anyMatches(patterns: string | string[], value: string): boolean {
  return (Array.isArray(patterns) ? patterns : [patterns]).some((p) => globMatches(p, value));
}

function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const regex = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return regex.test(value);
}

export function accessDenied(account: string, resourceArn: string): string {
  return `User: arn:aws:iam::${account}:root is not authorized to perform: events:PutEvents on resource: ${resourceArn} because no resource-based policy allows the events:PutEvents action`;
}
