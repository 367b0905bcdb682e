// eventbridge-local dashboard: a plain ES module, no dependencies, no build step.
// Reads JSON under /_eventbridge-local/, listens to its server-sent events, and calls the
// AWS JSON API (POST / with X-Amz-Target) for PutEvents and TestEventPattern.

const base = location.pathname.replace(/\/ui(\/.*)?$/, '');

// Under --require-auth the emulator prints the dashboard's URL with its admin token
// (#token=...): kept for this tab only, and taken out of the address bar.
const adminToken = (() => {
  const given = /^#token=([A-Za-z0-9._~-]+)$/.exec(location.hash)?.[1];
  if (given) {
    sessionStorage.setItem('eventbridge-local-token', given);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('eventbridge-local-token') ?? undefined;
})();
const adminHeaders = adminToken ? { Authorization: `Bearer ${adminToken}` } : {};
const pageSize = 500;
const rowHeight = 28;

const state = {
  account: '000000000000',
  region: 'us-east-1',
  view: 'events',
  filters: { bus: '', source: '', detailType: '', status: '' },
  /** Deliveries of the selected event, by id. */
  eventDeliveries: new Map(),
};

// ---------- helpers ----------

/** Build DOM nodes; text is always set as text, never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
const $ = (sel) => document.querySelector(sel);
const pretty = (value) => {
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
};
const time = (iso) => (iso ? iso.slice(11, 23) : '');
const nameOfArn = (arn) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '');
const statusClass = (code) => (code === undefined ? 'error' : `s${String(code)[0]}xx`);
const fmt = (n) => n.toLocaleString('en-US');

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  return q.toString();
}

async function getJson(path) {
  const res = await fetch(`${base}/${path}`, { headers: adminHeaders });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

const authErrorTypes = new Set(['MissingAuthenticationTokenException', 'IncompleteSignatureException', 'UnrecognizedClientException', 'InvalidSignatureException']);

/** The AWS JSON 1.1 API; the credential scope names the account (12-digit key) and region. */
async function aws(operation, body) {
  const scope = `${state.account}/20240101/${state.region}/events/aws4_request`;
  const res = await fetch('/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSEvents.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const type = String(json.__type ?? res.headers.get('x-amzn-ErrorType') ?? 'Error').split('#').pop();
    // The page holds no credentials, so it cannot sign: under --require-auth the AWS API refuses it.
    const hint = authErrorTypes.has(type) ? ' (the emulator runs with --require-auth and the dashboard cannot sign requests: use the SDK, the aws CLI or eventbridge-local send)' : '';
    return { error: { type, message: (json.message ?? json.Message ?? '') + hint } };
  }
  return { result: json };
}

// ---------- windowed list: only the rows in view are in the DOM ----------

class VirtualList {
  constructor(container, { renderRow, onSelect, onNearEnd }) {
    this.container = container;
    this.renderRow = renderRow;
    this.onSelect = onSelect;
    this.onNearEnd = onNearEnd;
    this.items = [];
    this.selectedId = undefined;
    this.spacer = h('div', { class: 'spacer' });
    container.append(this.spacer);
    container.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(container);
  }
  setItems(items) {
    this.items = items;
    this.schedule();
  }
  select(id) {
    this.selectedId = id;
    this.schedule();
  }
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.render();
    });
  }
  render() {
    const { scrollTop, clientHeight } = this.container;
    this.spacer.style.height = `${this.items.length * rowHeight}px`;
    const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 10);
    const last = Math.min(this.items.length, Math.ceil((scrollTop + clientHeight) / rowHeight) + 10);
    const rows = [];
    for (let i = first; i < last; i++) {
      const item = this.items[i];
      const row = this.renderRow(item);
      row.classList.add('row');
      if (item.id === this.selectedId) row.classList.add('selected');
      row.style.top = `${i * rowHeight}px`;
      row.dataset.id = item.id;
      row.setAttribute('role', 'listitem');
      row.addEventListener('click', () => this.onSelect(item));
      rows.push(row);
    }
    this.spacer.replaceChildren(...rows);
    if (last >= this.items.length - 20) this.onNearEnd();
  }
}

// ---------- paged, filtered lists (events, deliveries) ----------

/** How far a delivery has got (events never change: 0), to keep the later of two copies of it. */
const progress = (item) => (item.attempts ? (item.status === 'pending' ? 0 : 1e6) + item.attempts.length : 0);

class PagedList {
  /** `sortKey`: the item's ISO time the server sorts the list by (newest first). */
  constructor({ kind, path, listEl, countEl, renderRow, onSelect, params, sortKey }) {
    Object.assign(this, { kind, path, countEl, params, sortKey });
    this.items = [];
    this.byId = new Map();
    this.total = 0;
    this.generation = 0;
    this.reloads = 0;
    this.liveItems = 0;
    this.list = new VirtualList(listEl, { renderRow, onSelect: (item) => onSelect(item), onNearEnd: () => this.more() });
  }
  async reload() {
    const generation = ++this.generation;
    // Live items that arrive while the page is on its way may be newer than what it holds for them
    // (the server read it earlier): they go back on top of it, or a pending delivery's first attempt,
    // streamed before the page came, would be replaced by the page's older copy (and a row under
    // the pointer would move away between a click's aim and the click).
    const live = (this.liveDuringReload = new Map());
    const page = await getJson(`${this.path}?${query({ ...this.params(), limit: pageSize })}`);
    if (generation !== this.generation) return;
    this.liveDuringReload = undefined;
    this.fill(page);
    for (const item of live.values()) {
      const known = this.byId.get(item.id);
      if (!known || progress(item) >= progress(known)) this.upsert(item);
    }
    this.countEl.dataset.reloads = String(++this.reloads); // for the tests: a page has been read and shown
  }
  /** Show a first page (from a fetch, or the one the server put in the page). */
  fill(page) {
    this.items = page[this.kind];
    this.byId = new Map(this.items.map((i) => [i.id, i]));
    this.total = page.total;
    this.nextToken = page.nextToken;
    this.update();
  }
  async more() {
    if (!this.nextToken || this.loading) return;
    this.loading = true;
    const generation = this.generation;
    try {
      const page = await getJson(`${this.path}?${query({ ...this.params(), limit: pageSize, nextToken: this.nextToken })}`);
      if (generation !== this.generation) return;
      for (const item of page[this.kind]) if (!this.byId.has(item.id)) this.items.push(item), this.byId.set(item.id, item);
      this.nextToken = page.nextToken;
      this.update();
    } finally {
      this.loading = false;
    }
  }
  /** A live item: replace it where it is, or put it in its place (newest first). */
  upsert(item) {
    this.liveDuringReload?.set(item.id, item);
    this.countEl.dataset.live = String(++this.liveItems); // for the tests: live items taken, shown or not
    const known = this.byId.get(item.id);
    if (known) this.items[this.items.indexOf(known)] = item;
    else {
      const key = this.sortKey(item);
      const at = this.items.findIndex((other) => this.sortKey(other) <= key);
      // Older than everything loaded while pages remain: the server counted it already (an old
      // delivery's retry), and paging will bring it in its place.
      if (at === -1 && this.nextToken) return;
      // New to the list. Paging is by offset for events: the next page now starts one item early,
      // and more() skips what it already has.
      this.items.splice(at === -1 ? this.items.length : at, 0, item);
      this.total++;
    }
    this.byId.set(item.id, item);
    this.update();
  }
  update() {
    this.countEl.textContent = `${fmt(this.total)} ${this.kind}` + (this.items.length < this.total ? ` (${fmt(this.items.length)} loaded)` : '');
    this.list.setItems(this.items);
  }
}

const nsParams = () => ({ account: state.account, region: state.region });
const f = state.filters;

const events = new PagedList({
  kind: 'events',
  path: 'activity/events',
  listEl: $('#events-list'),
  countEl: $('#events-count'),
  params: () => ({ ...nsParams(), bus: f.bus, source: f.source, detailType: f.detailType }),
  sortKey: (e) => e.receivedAt,
  renderRow: (e) =>
    h('div', {},
      h('span', { class: 't' }, time(e.receivedAt)),
      h('span', { class: 'badge' }, e.eventBusName),
      h('span', { class: 'grow' }, `${e.event.source} · ${e.event['detail-type']}`),
      e.dropped ? h('span', { class: 'badge dropped' }, 'dropped') : h('span', { class: `badge ${e.matchedRules.length ? 'delivered' : ''}` }, `${e.matchedRules.length} rule${e.matchedRules.length === 1 ? '' : 's'}`)),
  onSelect: (e) => selectEvent(e),
});

const deliveries = new PagedList({
  kind: 'deliveries',
  path: 'activity/deliveries',
  listEl: $('#deliveries-list'),
  countEl: $('#deliveries-count'),
  params: () => ({ ...nsParams(), bus: f.bus, source: f.source, detailType: f.detailType, status: f.status }),
  sortKey: (d) => d.createdAt,
  renderRow: (d) => {
    const last = d.attempts[d.attempts.length - 1];
    return h('div', {},
      h('span', { class: 't' }, time(d.createdAt)),
      h('span', { class: `badge ${d.status}` }, d.status),
      h('span', { class: 'grow' }, `${nameOfArn(d.ruleArn)} → ${d.targetId} · ${d.source} · ${d.detailType}`),
      h('span', { class: 'badge' }, `${d.attempts.length} attempt${d.attempts.length === 1 ? '' : 's'}`),
      last ? h('span', { class: `badge ${statusClass(last.statusCode)}` }, last.statusCode ?? last.errorCode) : '');
  },
  onSelect: (d) => selectDelivery(d),
});

const eventMatches = (e) =>
  e.account === state.account && e.region === state.region && (!f.bus || e.eventBusName === f.bus) && (!f.source || e.event.source === f.source) && (!f.detailType || e.event['detail-type'] === f.detailType);
const deliveryMatches = (d) =>
  d.account === state.account && d.region === state.region && (!f.bus || d.eventBusName === f.bus) && (!f.source || d.source === f.source) && (!f.detailType || d.detailType === f.detailType) && (!f.status || d.status === f.status);

// ---------- details ----------

function renderAttempt(a, i) {
  const req = a.request;
  return h('div', { class: 'attempt', dataset: { statusCode: a.statusCode ?? '', ok: String(a.ok) } },
    h('div', {},
      h('strong', {}, `Attempt ${i + 1} `),
      h('span', { class: `badge ${statusClass(a.statusCode)}` }, a.statusCode ?? a.errorCode ?? 'failed'),
      ` at ${a.at} · ${a.latencyMs} ms`),
    a.errorMessage ? h('div', { class: 'hint' }, `${a.errorCode}: ${a.errorMessage}`) : '',
    req
      ? [
          h('div', { class: 'line' }, `${req.method} ${req.url}`),
          h('table', {}, h('tbody', {}, Object.entries(req.headers ?? {}).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'line' }, v))))),
          req.body ? h('pre', {}, pretty(req.body)) : '',
        ]
      : '',
    a.response ? renderResponse(a.response) : '');
}

function renderResponse(r) {
  const size = r.bodyTruncated ? ` (first ${fmt(new TextEncoder().encode(r.body).length)} of ${fmt(r.bodyBytes)} bytes)` : '';
  return h('details', { class: 'response' },
    h('summary', {}, `Response: HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}${size}`),
    h('table', {}, h('tbody', {}, Object.entries(r.headers ?? {}).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'line' }, v))))),
    r.body ? h('pre', {}, pretty(r.body)) : h('p', { class: 'hint' }, 'Empty body.'));
}

function renderDelivery(d) {
  return h('div', { class: 'delivery', dataset: { id: d.id, status: d.status } },
    h('h3', {}, h('span', { class: `badge ${d.status}` }, d.status), ` ${nameOfArn(d.ruleArn)} → ${d.targetId}`),
    h('table', {}, h('tbody', {},
      h('tr', {}, h('th', {}, 'Target'), h('td', {}, d.targetArn)),
      h('tr', {}, h('th', {}, 'Event'), h('td', {}, d.eventId)),
      h('tr', {}, h('th', {}, 'Created'), h('td', {}, d.createdAt)),
      d.nextAttemptAt ? h('tr', { class: 'next-retry' }, h('th', {}, 'Next attempt'), h('td', {}, d.nextAttemptAt)) : '',
      d.finishedAt ? h('tr', {}, h('th', {}, 'Finished'), h('td', {}, d.finishedAt)) : '',
      d.deadLetterQueueArn ? h('tr', {}, h('th', {}, 'Dead-letter queue'), h('td', {}, d.deadLetterQueueArn)) : '')),
    d.attempts.length ? d.attempts.map(renderAttempt) : h('p', { class: 'hint' }, 'No attempt yet.'),
    h('details', {}, h('summary', {}, 'Payload (target input)'), h('pre', {}, pretty(d.payload))));
}

async function selectEvent(e) {
  events.list.select(e.id);
  state.selectedEvent = e;
  state.eventDeliveries = new Map();
  renderEventDetail();
  const page = await getJson(`activity/deliveries?${query({ ...nsParams(), eventId: e.event.id, limit: 100 })}`);
  if (state.selectedEvent !== e) return;
  for (const d of page.deliveries) {
    const streamed = state.eventDeliveries.get(d.id); // arrived while the page was on its way
    if (!streamed || progress(d) > progress(streamed)) state.eventDeliveries.set(d.id, d);
  }
  renderEventDetail();
}

function renderEventDetail() {
  const e = state.selectedEvent;
  if (!e) return;
  const ds = [...state.eventDeliveries.values()];
  $('#event-detail').replaceChildren(
    h('h2', {}, `${e.event.source} · ${e.event['detail-type']}`),
    h('table', {}, h('tbody', {},
      h('tr', {}, h('th', {}, 'Event id'), h('td', {}, e.event.id)),
      h('tr', {}, h('th', {}, 'Bus'), h('td', {}, `${e.eventBusName} (${e.account}, ${e.region})`)),
      h('tr', {}, h('th', {}, 'Received'), h('td', {}, e.receivedAt)))),
    h('h3', {}, 'Matched rules'),
    e.dropped ? h('p', { class: 'result error' }, e.dropped) : e.matchedRules.length ? h('ul', { class: 'matched' }, e.matchedRules.map((r) => h('li', {}, r))) : h('p', { class: 'hint' }, 'No rule matched.'),
    h('h3', {}, 'Event'),
    h('pre', {}, pretty(e.event)),
    h('h3', {}, `Deliveries (${ds.length})`),
    ...ds.map(renderDelivery));
}

function selectDelivery(d) {
  deliveries.list.select(d.id);
  state.selectedDelivery = d;
  $('#delivery-detail').replaceChildren(renderDelivery(d));
}

// ---------- other views ----------

async function loadDeadLetters() {
  const page = await getJson('dead-letters?limit=200');
  const rows = page.messages.map((m) =>
    h('tr', { class: 'dead-letter' },
      h('td', {}, m.at),
      h('td', {}, m.queueArn),
      h('td', {}, h('pre', {}, Object.entries(m.attributes).map(([k, v]) => `${k}: ${v}`).join('\n'))),
      h('td', {}, h('pre', {}, pretty(m.body)))));
  $('#dead-letters').replaceChildren(
    h('h2', {}, `Dead-letter queues (${page.messages.length}${page.nextToken ? '+' : ''} messages, newest first)`),
    rows.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'At'), h('th', {}, 'Queue'), h('th', {}, 'Attributes'), h('th', {}, 'Body'))), h('tbody', {}, rows)) : h('p', { class: 'hint' }, 'No message in any dead-letter queue.'));
}

// Scheduler's schedules: next fire time on the virtual clock, and their invocations (deliveries).
function renderSchedules(schedules) {
  $('#schedules-count').textContent = `${fmt(schedules.length)} schedule${schedules.length === 1 ? '' : 's'}`;
  $('#schedules').replaceChildren(
    table(['Schedule', 'Expression', 'State', 'Next invocation (virtual time)', 'Invocations'], schedules.map((s) =>
      h('tr', { class: 'schedule', dataset: { name: `${s.groupName}/${s.name}` } },
        h('td', {}, h('strong', {}, s.name), h('div', { class: 'hint group' }, `group ${s.groupName}`, s.groupState === 'DELETING' ? ' (DELETING)' : ''), h('div', { class: 'hint' }, s.targetArn)),
        h('td', { class: 'expression' }, s.scheduleExpression, h('div', { class: 'hint' }, s.scheduleExpressionTimezone)),
        h('td', {}, h('span', { class: `badge state ${s.state === 'ENABLED' ? 'delivered' : ''}` }, s.state)),
        h('td', { class: 'next' }, s.nextInvocationAt ?? '—'),
        h('td', { class: 'invocations' },
          h('div', { class: 'hint' }, `${fmt(s.invocationCount)} invocation${s.invocationCount === 1 ? '' : 's'}`),
          s.invocations.map((d) =>
            h('button', { type: 'button', class: 'invocation', dataset: { id: d.id }, onclick: () => openDelivery(d) },
              h('span', { class: 't' }, time(d.createdAt)), ' ',
              h('span', { class: `badge ${d.status}` }, d.status), ' ',
              `${d.attempts.length} attempt${d.attempts.length === 1 ? '' : 's'}`))))), 'schedules'));
}

async function loadSchedules() {
  renderSchedules((await getJson(`activity/schedules?${query(nsParams())}`)).schedules);
}

/** From a schedule's invocation to its delivery, attempts and all. */
function openDelivery(d) {
  show('deliveries');
  deliveries.upsert(d);
  selectDelivery(d);
}

function table(headers, rows, cls) {
  if (!rows.length) return h('p', { class: 'hint' }, 'None.');
  return h('table', { class: cls }, h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))), h('tbody', {}, rows));
}

async function loadResources() {
  const r = await getJson(`resources?${query(nsParams())}`);
  renderNamespaces(r.namespaces);
  $('#bus-names').replaceChildren(...r.eventBuses.map((b) => h('option', { value: b.Name })));
  $('#resources').replaceChildren(
    h('h2', {}, 'Event buses'),
    table(['Name', 'ARN', 'Description'], r.eventBuses.map((b) => h('tr', { class: 'bus' }, h('td', {}, b.Name), h('td', {}, b.Arn), h('td', {}, b.Description ?? ''))), 'buses'),
    h('h2', {}, 'Rules'),
    table(['Rule', 'State', 'Pattern / schedule', 'Targets'], r.rules.map((rule) =>
      h('tr', { class: 'rule', dataset: { name: rule.Name } },
        h('td', {}, h('strong', {}, rule.Name), h('div', { class: 'hint' }, `bus ${rule.EventBusName}`), rule.Description ? h('div', { class: 'hint' }, rule.Description) : ''),
        h('td', {}, h('span', { class: `badge ${rule.State === 'ENABLED' ? 'delivered' : ''}` }, rule.State)),
        h('td', {}, h('pre', { class: 'pattern' }, rule.EventPattern ? pretty(rule.EventPattern) : rule.ScheduleExpression)),
        h('td', {}, rule.Targets.map(renderTarget)))), 'rules'),
    h('h2', {}, 'Connections'),
    table(['Name', 'State', 'Authorization', 'Parameters (secrets never shown)'], r.connections.map((c) =>
      h('tr', { class: 'connection' },
        h('td', {}, c.Name),
        h('td', {}, h('span', { class: `badge ${c.ConnectionState === 'AUTHORIZED' || c.ConnectionState === 'ACTIVE' ? 'delivered' : 'pending'}` }, c.ConnectionState), c.StateReason ? h('div', { class: 'hint' }, c.StateReason) : ''),
        h('td', {}, c.AuthorizationType),
        h('td', {}, h('pre', {}, pretty(c.AuthParameters ?? {}))))), 'connections'),
    h('h2', {}, 'API destinations'),
    table(['Name', 'State', 'Endpoint', 'Connection', 'Rate / s'], r.apiDestinations.map((d) =>
      h('tr', { class: 'api-destination' },
        h('td', {}, d.Name),
        h('td', {}, h('span', { class: `badge ${d.ApiDestinationState === 'ACTIVE' ? 'delivered' : 'pending'}` }, d.ApiDestinationState)),
        h('td', {}, `${d.HttpMethod} ${d.InvocationEndpoint}`),
        h('td', {}, d.ConnectionArn.split('/')[1]),
        h('td', {}, d.InvocationRateLimitPerSecond ?? ''))), 'api-destinations'));
}

/** Every pipe (all accounts and regions), its state, and what it did with the last batches its source offered. */
async function loadPipes() {
  const { pipes } = await getJson('pipes');
  const batches = await Promise.all(pipes.map((p) => getJson(`pipes/${encodeURIComponent(p.arn)}/batches`).then((b) => b.batches.slice(-20).reverse())));
  $('#pipes').replaceChildren(
    h('h2', {}, `Pipes (${pipes.length})`),
    table(['Pipe', 'State', 'Source → enrichment → target', 'Last batches (newest first)'], pipes.map((p, i) =>
      h('tr', { class: 'pipe', dataset: { name: p.name } },
        h('td', {}, h('strong', {}, p.name), h('div', { class: 'hint' }, `${p.account} / ${p.region}`)),
        h('td', {}, h('span', { class: `badge ${p.currentState === 'RUNNING' ? 'delivered' : p.currentState.endsWith('FAILED') ? 'dead-lettered' : 'pending'}` }, p.currentState),
          h('div', { class: 'hint' }, `desired ${p.desiredState}${p.polling ? ', polling' : ''}`),
          p.stateReason ? h('div', { class: 'hint' }, p.stateReason) : '', p.sourceError ? h('div', { class: 'hint' }, `source: ${p.sourceError}`) : ''),
        h('td', {}, h('div', {}, p.source), p.enrichment ? h('div', {}, `→ ${p.enrichment}`) : '', h('div', {}, `→ ${p.target}`)),
        h('td', {}, batches[i].length ? batches[i].map((b) =>
          h('div', { class: 'batch' }, `${b.at} attempt ${b.attempt}: `, h('span', { class: `badge ${b.outcome === 'delivered' || b.outcome === 'filtered' ? 'delivered' : 'dead-lettered'}` }, b.outcome),
            ` ${b.itemIds.length} records, ${b.filteredOutItemIds.length} filtered out${b.reason ? ` — ${b.reason}` : ''}`)) : h('span', { class: 'hint' }, 'No batch yet.')))), 'pipes'));
}

/** A target: its id and ARN, and its other settings (input, retry policy, DLQ ...) folded away. */
function renderTarget(t) {
  const { Id, Arn, ...settings } = t;
  return h('div', { class: 'target' }, h('strong', {}, Id), ' ', Arn,
    Object.keys(settings).length ? h('details', {}, h('summary', {}, Object.keys(settings).join(', ')), h('pre', {}, pretty(settings))) : '');
}

function renderNamespaces(namespaces) {
  const select = $('#namespace');
  const current = `${state.account}/${state.region}`;
  const keys = new Set(namespaces.map((n) => `${n.account}/${n.region}`));
  keys.add(current);
  select.replaceChildren(...[...keys].sort().map((k) => h('option', { value: k, selected: k === current }, k)));
}

async function refreshClock() {
  const c = await getJson('clock');
  $('#clock').textContent = `virtual time ${c.now}`;
}
let clockQueued = false;
function refreshClockSoon() {
  if (clockQueued) return;
  clockQueued = true;
  setTimeout(() => {
    clockQueued = false;
    void refreshClock();
  }, 300);
}

// ---------- forms ----------

$('#put-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const out = $('#put-result');
  out.className = 'result';
  const resources = String(form.get('Resources') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const entry = { EventBusName: form.get('EventBusName'), Source: form.get('Source'), DetailType: form.get('DetailType'), Detail: form.get('Detail') };
  if (resources.length) entry.Resources = resources;
  const { result, error } = await aws('PutEvents', { Entries: [entry] });
  if (error) {
    out.className = 'result error';
    out.textContent = `${error.type}: ${error.message}`;
    return;
  }
  const e = result.Entries[0];
  if (e.ErrorCode) {
    out.className = 'result error';
    out.textContent = `${e.ErrorCode}: ${e.ErrorMessage}`;
  } else out.textContent = `Accepted. EventId: ${e.EventId}`;
});

const sampleEvent = () =>
  JSON.stringify({ version: '0', id: crypto.randomUUID(), 'detail-type': 'Something Happened', source: 'my.app', account: state.account, time: new Date().toISOString().slice(0, 19) + 'Z', region: state.region, resources: [], detail: { id: 1 } }, null, 2);
$('#tester-form [name=Event]').value = sampleEvent();

$('#tester-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const out = $('#tester-result');
  const { result, error } = await aws('TestEventPattern', { EventPattern: form.get('EventPattern'), Event: form.get('Event') });
  out.replaceChildren();
  if (error) {
    out.className = 'result error';
    out.textContent = `${error.type}: ${error.message}`;
  } else {
    out.className = 'result';
    out.append('Result: ', h('span', { class: `badge ${result.Result}` }, String(result.Result)), result.Result ? ' — the pattern matches the event' : ' — the pattern does not match the event');
  }
});

// ---------- navigation, filters, live stream ----------

// Events and deliveries stay current through the stream; these views are read when shown.
const loaders = { 'dead-letters': loadDeadLetters, schedules: loadSchedules, resources: loadResources, pipes: loadPipes };
const views = ['events', 'deliveries', 'dead-letters', 'schedules', 'resources', 'pipes', 'put', 'tester'];

function show(view) {
  state.view = view;
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.view === view);
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${view}`;
  $('#filters').hidden = view !== 'events' && view !== 'deliveries';
  document.body.dataset.view = view;
  void loaders[view]?.();
  if (location.hash !== `#${view}`) history.replaceState(null, '', `#${view}`);
}
for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.view));
window.addEventListener('hashchange', () => views.includes(location.hash.slice(1)) && location.hash.slice(1) !== state.view && show(location.hash.slice(1)));

let filterTimer;
function filtersChanged() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    const form = new FormData($('#filters'));
    for (const k of Object.keys(f)) f[k] = String(form.get(k) ?? '').trim();
    void events.reload();
    void deliveries.reload();
  }, 200);
}
$('#filters').addEventListener('input', filtersChanged);
$('#filters').addEventListener('reset', () => setTimeout(filtersChanged));
$('#filters').addEventListener('submit', (ev) => ev.preventDefault());

$('#namespace').addEventListener('change', (ev) => {
  [state.account, state.region] = ev.target.value.split('/');
  reloadAll();
});

function reloadAll() {
  state.selectedEvent = undefined;
  state.selectedDelivery = undefined;
  void events.reload();
  void deliveries.reload();
  void loaders[state.view]?.();
  void loadResources();
}

function connect() {
  // EventSource cannot set headers: the stream takes the token in its query string.
  const source = new EventSource(adminToken ? `${base}/stream?token=${encodeURIComponent(adminToken)}` : `${base}/stream`);
  const live = $('#live');
  source.addEventListener('hello', () => {
    live.textContent = 'live';
    live.className = 'live on';
    // Whatever happened while disconnected: read it again.
    reloadAll();
  });
  source.addEventListener('error', () => {
    live.textContent = 'offline';
    live.className = 'live off';
  });
  source.addEventListener('event', (msg) => {
    const e = JSON.parse(msg.data);
    if (eventMatches(e)) events.upsert(e);
    refreshClockSoon();
  });
  source.addEventListener('delivery', (msg) => {
    const d = JSON.parse(msg.data);
    if (deliveryMatches(d) || deliveries.byId.has(d.id)) deliveries.upsert(d);
    if (state.selectedEvent && state.selectedEvent.event.id === d.eventId) {
      state.eventDeliveries.set(d.id, d);
      renderEventDetail();
    }
    if (state.selectedDelivery?.id === d.id) selectDelivery(d);
    if (d.status === 'dead-lettered' && state.view === 'dead-letters') void loadDeadLetters();
    if (state.view === 'schedules' && String(d.ruleArn).startsWith('arn:aws:scheduler:')) loadSchedulesSoon();
    refreshClockSoon();
  });
  source.addEventListener('reset', () => reloadAll());
}

let schedulesQueued = false;
function loadSchedulesSoon() {
  if (schedulesQueued) return;
  schedulesQueued = true;
  setTimeout(() => {
    schedulesQueued = false;
    void loadSchedules();
  }, 300);
}

// The server put the first page of the default view in the page: render it before any fetch.
const initial = document.getElementById('initial-data');
if (initial) {
  const data = JSON.parse(initial.textContent);
  if (data.account === state.account && data.region === state.region) {
    events.fill(data.events);
    deliveries.fill(data.deliveries);
    if (data.schedules) renderSchedules(data.schedules);
  }
}

show(views.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'events');
void loadResources();
void refreshClock();
connect();
