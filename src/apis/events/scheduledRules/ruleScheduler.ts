/**
 * Makes scheduled rules fire. Each enabled rule with a ScheduleExpression has one
 * timer on the (virtual) clock; when it fires, a `Scheduled Event` for that tick is
 * put on the rule's bus and the next tick is armed. Ticks missed while the emulator
 * was stopped are not replayed, as AWS does not backfill them either.
 */
import { nextFireTime, parseSchedule } from '../../../engine/expressions/index.js';
import type { NamespaceState, RuleRecord } from '../../../store/schema.js';
import type { Clock } from '../../../util/clock.js';
import type { Ids } from '../../../util/ids.js';
import { formatEventTime, type EventEnvelope } from '../bus/envelope.js';

/** Where a scheduled event goes: to the rule's targets, and onto its bus through matching and delivery. */
export type ScheduledEventSink = (ns: NamespaceState, busName: string, event: EventEnvelope, rule: RuleRecord) => void;

interface Armed {
  bus: string;
  rule: string;
  signature: string;
  cancel: () => void;
}

export class RuleScheduler {
  private armed = new Map<string, Armed>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly sink: ScheduledEventSink,
  ) {}

  /**
   * Bring the timers of one namespace in line with its rules, or of one bus of it (call after
   * any rule change of that bus: a namespace can hold 10,000 rules, a bus at most 300).
   */
  sync(ns: NamespaceState, bus?: string): void {
    const prefix = `${ns.account}:${ns.region}:`;
    const wanted = new Map<string, RuleRecord>();
    for (const rules of bus === undefined ? Object.values(ns.rules) : [ns.rules[bus] ?? {}]) {
      for (const rule of Object.values(rules)) {
        if (rule.scheduleExpression && rule.state !== 'DISABLED') wanted.set(prefix + rule.arn, rule);
      }
    }
    for (const [key, armed] of this.armed) {
      if (!key.startsWith(prefix) || (bus !== undefined && armed.bus !== bus)) continue;
      const rule = wanted.get(key);
      if (!rule || signatureOf(rule) !== armed.signature) {
        armed.cancel();
        this.armed.delete(key);
      }
    }
    for (const [key, rule] of wanted) {
      if (!this.armed.has(key)) this.arm(ns, key, rule, this.clock.now());
    }
  }

  /** sync() for one rule (created, changed or deleted): only the armed timers are looked through, not the bus's rules. */
  syncRule(ns: NamespaceState, bus: string, name: string): void {
    const prefix = `${ns.account}:${ns.region}:`;
    const rule = ns.rules[bus]?.[name];
    const wanted = rule !== undefined && rule.scheduleExpression !== undefined && rule.state !== 'DISABLED';
    for (const [key, armed] of this.armed) {
      if (armed.bus !== bus || armed.rule !== name || !key.startsWith(prefix)) continue;
      if (wanted && key === prefix + rule.arn && signatureOf(rule) === armed.signature) return;
      armed.cancel();
      this.armed.delete(key);
    }
    if (wanted) this.arm(ns, prefix + rule.arn, rule, this.clock.now());
  }

  syncAll(namespaces: NamespaceState[]): void {
    for (const ns of namespaces) this.sync(ns);
  }

  stop(): void {
    for (const armed of this.armed.values()) armed.cancel();
    this.armed.clear();
  }

  private arm(ns: NamespaceState, key: string, rule: RuleRecord, afterMs: number): void {
    const schedule = parseSchedule(rule.scheduleExpression!);
    const at = schedule && nextFireTime(schedule, afterMs, rule.scheduleAnchor);
    if (at === undefined) return;
    const signature = signatureOf(rule);
    const cancel = this.clock.at(at, () => {
      this.armed.delete(key);
      // The rule record may have been replaced (PutRule) since this tick was armed.
      const current = ns.rules[rule.eventBusName]?.[rule.name] ?? rule;
      this.sink(ns, current.eventBusName, this.scheduledEvent(ns, current, at), current);
      this.arm(ns, key, current, at);
    });
    this.armed.set(key, { bus: rule.eventBusName, rule: rule.name, signature, cancel });
  }

  private scheduledEvent(ns: NamespaceState, rule: RuleRecord, at: number): EventEnvelope {
    return {
      version: '0',
      id: this.ids.uuid(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ns.account,
      time: formatEventTime(at),
      region: ns.region,
      resources: [rule.arn],
      detail: {},
    };
  }
}

function signatureOf(rule: RuleRecord): string {
  return `${rule.scheduleExpression}|${rule.scheduleAnchor}|${rule.state}`;
}
