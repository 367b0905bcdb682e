/**
 * The inspection index of deliveries (issue 18 item 16): a filtered page reads the list of its
 * most selective filter only, not every pending job, and the pages together are exactly the
 * brute-force answer (every delivery matching, newest first by creation), pending and finished.
 */
import { PendingIndex } from '../../src/engine/delivery/pendingIndex.js';
import { DeliveryHistory } from '../../src/engine/delivery/history.js';
import { deliveryRows } from '../../src/inspect/views.js';
import type { DeliveryEngine } from '../../src/engine/delivery/engine.js';
import type { DeliveryJob } from '../../src/store/schema.js';
import { parseListQuery, checks } from '../../src/inspect/query.js';

const arn = (n: number) => `arn:aws:events:us-east-1:000000000000:api-destination/d${n}/x`;

function job(i: number, createdAt: number, targetArn: string, account = '000000000000'): DeliveryJob {
  return {
    id: `job-${i}`,
    account,
    region: 'us-east-1',
    ruleArn: `arn:aws:events:us-east-1:${account}:rule/r${i % 3}`,
    ruleName: `r${i % 3}`,
    eventBusName: i % 2 ? 'default' : 'orders',
    target: { Id: 't', Arn: targetArn },
    event: { id: `event-${Math.floor(i / 2)}`, source: i % 5 ? 'shop' : 'billing', 'detail-type': 'Order' },
    payload: '{}',
    hops: 0,
    createdAt,
    nextAttemptAt: createdAt,
    attempts: [],
  };
}

test('a filtered page of 100,000 pending reads only the jobs of its filter', () => {
  const index = new PendingIndex();
  for (let i = 0; i < 100_000; i++) index.add(job(i, 1000 + i, i % 10_000 === 7 ? arn(1) : arn(2)));
  const page = index.page({ targetArn: arn(1) }, undefined, 100, true);
  expect(page.jobs.map((j) => j.job.id)).toEqual(Array.from({ length: 10 }, (_, k) => `job-${(9 - k) * 10_000 + 7}`));
  expect(page.total).toBe(10);
  expect(index.lastExamined).toBeLessThanOrEqual(10);

  // Unfiltered, and by event id: one page's worth.
  expect(index.page({}, undefined, 100, true).jobs).toHaveLength(100);
  expect(index.lastExamined).toBeLessThanOrEqual(100);
  expect(index.page({ eventId: 'event-49999' }, undefined, 100, true).jobs.map((j) => j.job.id)).toEqual(['job-99999', 'job-99998']);
  expect(index.lastExamined).toBe(2);
  // A later page starts at its cursor.
  const first = index.page({ targetArn: arn(2) }, undefined, 100, false);
  const second = index.page({ targetArn: arn(2) }, first.jobs[99].cursor, 100, false);
  expect(second.jobs[0].job.id).toBe('job-99899');
  expect(index.lastExamined).toBeLessThanOrEqual(100);
});

test('jobs that left the queue are skipped, and the lists are compacted', () => {
  const index = new PendingIndex();
  const jobs = Array.from({ length: 1000 }, (_, i) => job(i, 1000 + i, arn(i % 2)));
  for (const j of jobs) index.add(j);
  for (const j of jobs.slice(0, 900)) index.remove(j);
  expect(index.size).toBe(100);
  const page = index.page({ targetArn: arn(1) }, undefined, 1000, true);
  expect(page.jobs.map((j) => j.job.id)).toEqual(jobs.slice(900).filter((_, i) => i % 2 === 1).reverse().map((j) => j.id));
  expect(page.total).toBe(50);
  expect(index.lastExamined).toBeLessThan(200); // compacted: not the 500 this target ever had
});

test('pages of pending and finished deliveries together are the brute-force answer, newest first', () => {
  const index = new PendingIndex();
  const history = new DeliveryHistory();
  const engine = { index } as unknown as DeliveryEngine;
  const all: Array<{ job: DeliveryJob; status: string; seq: number }> = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 3000; i++) {
    const j = job(i, 1000 + Math.floor(i / 3), arn(Math.floor(random() * 4)), random() < 0.2 ? '111111111111' : '000000000000');
    index.add(j);
    const seq = index.seq(j)!;
    const r = random();
    if (r < 0.5) {
      index.remove(j);
      const status = r < 0.3 ? 'delivered' : r < 0.4 ? 'dead-lettered' : 'dropped';
      history.recordFinished({ job: j, status: status as 'delivered', finishedAt: 5000 + i, seq });
      all.push({ job: j, status, seq });
    } else all.push({ job: j, status: 'pending', seq });
  }
  const byNewest = [...all].sort((a, b) => b.job.createdAt - a.job.createdAt || b.seq - a.seq);
  const filters: Array<Record<string, string>> = [{}, { status: 'pending' }, { status: 'delivered' }, { targetArn: arn(3) }, { account: '111111111111', targetArn: arn(1) }, { eventId: 'event-100' }, { source: 'billing', status: 'dropped' }, { ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r1' }];
  for (const f of filters) {
    const expected = byNewest
      .filter((d) => (!f.status || d.status === f.status) && (!f.targetArn || d.job.target.Arn === f.targetArn) && (!f.account || d.job.account === f.account) && (!f.eventId || d.job.event.id === f.eventId) && (!f.source || d.job.event.source === f.source) && (!f.ruleArn || d.job.ruleArn === f.ruleArn))
      .map((d) => `${d.job.id}:${d.status}`);
    const seen: string[] = [];
    let token: string | undefined;
    let total: number | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const { query, filters: given } = parseListQuery({ ...f, limit: '97', ...(token ? { nextToken: token } : {}) }, { status: checks.status, targetArn: checks.arn, account: checks.account, eventId: checks.text, source: checks.text, ruleArn: checks.arn });
      const result = deliveryRows(engine, history, given, query);
      if (!token) total = result.total;
      seen.push(...result.rows.map((r) => `${r.job.id}:${r.status}`));
      token = result.nextToken;
      if (!token) break;
    }
    expect(seen).toEqual(expected);
    expect(total).toBe(expected.length);
  }
  // Finished records are parsed for the page only.
  const counted = history.finishedMatching({ targetArn: arn(3) });
  expect(counted.length).toBeGreaterThan(100);
});
