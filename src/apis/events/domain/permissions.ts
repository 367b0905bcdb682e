/**
 * Event bus resource policies: the statements PutPermission writes, and the check
 * that lets another account put events on a bus (by PutEvents with the bus ARN, or
 * through an event-bus target). Only what EventBridge policies use is evaluated:
 * Allow/Deny statements on events:PutEvents for an account, its root ARN or `*`.
 */
import { PolicyLengthExceededException, ResourceNotFoundException, ValidationException } from '../../../errors.js';

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

/**
 * A bus's stored policy, read leniently: whatever a bus holds (a state file from before
 * policies were checked, edited by hand), only its well-formed statements count and the
 * rest are dropped, so no stored policy can make a call on the bus fail with a 500.
 */
export function parsePolicy(text: string | undefined): PolicyDocument {
  const empty: PolicyDocument = { Version: '2012-10-17', Statement: [] };
  if (!text) return empty;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return empty;
  }
  if (!isObject(doc)) return empty;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  return { ...doc, Version: typeof doc.Version === 'string' ? doc.Version : empty.Version, Statement: statements.filter((s) => statementProblem(s) === undefined) } as PolicyDocument;
}

/**
 * A policy document PutPermission was given, checked as IAM checks a resource policy's
 * grammar: an object whose Statement is a statement or a non-empty list of them, each with
 * Effect Allow or Deny, a Principal (`*` or a map of strings or string lists), Action and
 * Resource (a string or a non-empty list of strings) and an optional Condition map. AWS's
 * exact wording for a malformed document is not recorded; the type and status are its
 * ValidationException, 400, and the reason says which part is wrong.
 */
export function checkPolicy(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalidPolicy('it is not a JSON policy document');
  }
  if (!isObject(doc)) throw invalidPolicy('it is not a JSON object');
  if (doc.Version !== undefined && typeof doc.Version !== 'string') throw invalidPolicy('Version must be a string');
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  if (statements.length === 0) throw invalidPolicy('it has no Statement');
  statements.forEach((statement, i) => {
    const problem = statementProblem(statement);
    if (problem) throw invalidPolicy(`Statement ${i + 1} ${problem}`);
  });
  return { ...doc, Statement: statements } as PolicyDocument;
}

const invalidPolicy = (reason: string) => new ValidationException(`Parameter Policy is not valid. Reason: ${reason}.`);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isStrings = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));

/** Why a statement is not one this emulator can evaluate, or undefined when it is. */
function statementProblem(statement: unknown): string | undefined {
  if (!isObject(statement)) return 'is not an object';
  if (statement.Sid !== undefined && typeof statement.Sid !== 'string') return 'has a Sid that is not a string';
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return 'needs Effect Allow or Deny';
  const principal = statement.Principal;
  if (principal !== '*' && !(isObject(principal) && Object.keys(principal).length > 0 && Object.values(principal).every(isStrings))) {
    return 'needs a Principal: "*" or a map of strings or string lists';
  }
  if (!isStrings(statement.Action)) return 'needs an Action: a string or a list of strings';
  if (!isStrings(statement.Resource)) return 'needs a Resource: a string or a list of strings';
  const condition = statement.Condition;
  if (condition !== undefined && !(isObject(condition) && Object.values(condition).every(isObject))) return 'has a Condition that is not a map of maps';
  return undefined;
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
  if (principal.AWS === undefined) return false;
  const values = Array.isArray(principal.AWS) ? principal.AWS : [principal.AWS];
  return values.some((p) => p === '*' || p === account || p === `arn:aws:iam::${account}:root`);
}

function anyMatches(patterns: string | string[], value: string): boolean {
  return (Array.isArray(patterns) ? patterns : [patterns]).some((p) => globMatches(p, value));
}

/**
 * IAM's `*` (any run, empty included) and `?` (any one character) against a resource ARN,
 * in O(pattern × value) time at worst: no regex, whose backtracking on `*a*a*a*a*Z` against
 * a long name took the emulator away for close to a minute. Greedy with one resume point:
 * on a mismatch, the last `*` takes one more character, which is enough for globs because
 * what an earlier `*` matched never needs to change once a later `*` has matched.
 */
export function globMatches(pattern: string, value: string, steps?: { count: number }): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (steps) steps.count++;
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === value[v]))) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export function accessDenied(account: string, resourceArn: string): string {
  return `User: arn:aws:iam::${account}:root is not authorized to perform: events:PutEvents on resource: ${resourceArn} because no resource-based policy allows the events:PutEvents action`;
}
