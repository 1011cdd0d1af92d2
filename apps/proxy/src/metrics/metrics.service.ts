import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const ROUTES = ['create', 'start', 'exec', 'inspect', 'containers', 'images', 'exec-start', 'build', 'events', 'system', 'networks', 'volumes', 'other'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD'];
const RESULTS = ['success', 'error', 'requeue'];
/** The steps of a reconcile: dockerd's inspect, the attach's own (AttachPhase), releasing addresses. */
export const RECONCILE_PHASES = ['inspect', 'open_netns', 'read_netns', 'allocate', 'converge', 'hosts', 'before_gate', 'open_gate', 'release'] as const;
export type ReconcilePhase = (typeof RECONCILE_PHASES)[number];

/**
 * The proxy's own Prometheus registry. Labels are bounded (route classes, never container ids)
 * and every labelled series exists from the first scrape.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'weave_proxy_requests_total',
    help: 'Docker API requests answered, by route class, method and status class',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'weave_proxy_request_duration_seconds',
    help: 'Time from request to the end of the answer (streams included), by route class',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly hijackedOpen = new Gauge({
    name: 'weave_proxy_hijacked_streams_open',
    help: 'Hijacked (attach, exec -i, run -i) streams open now',
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'weave_proxy_relayed_bytes_total',
    help: 'Body bytes relayed, by direction (to_docker, to_client)',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'weave_proxy_upstream_errors_total',
    help: 'Requests that could not reach dockerd',
    registers: [this.registry],
  });
  readonly peers = new Gauge({
    name: 'weave_proxy_peers',
    help: 'Peers of the weave network (--store etcd:// only): live (lease held, this host included), gone (seen live during this run, lease expired or revoked since)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly attachDuration = new Histogram({
    name: 'weave_proxy_attach_duration_seconds',
    help: 'Time to attach a container to the weave network',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly reconciles = new Counter({
    name: 'weave_proxy_reconciles_total',
    help: 'Reconciles by controller and result',
    labelNames: ['controller', 'result'] as const,
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'weave_proxy_reconcile_duration_seconds',
    help: 'Reconcile duration by controller',
    labelNames: ['controller'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly reconcilePhase = new Histogram({
    name: 'weave_proxy_reconcile_phase_seconds',
    help: 'Time spent in each step of container reconciles (dockerd inspect, the attach steps, releasing addresses)',
    labelNames: ['phase'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: 'weave_proxy_queue_wait_seconds',
    help: 'Time a container id waited in the controller queue before its reconcile started (backoff delays excluded)',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly startToGate = new Histogram({
    name: 'weave_proxy_start_to_gate_seconds',
    help: "Time from dockerd starting a container's process (State.StartedAt; a restart policy's restarts included) to the gate opening, i.e. how long /w/w held the process",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'weave_proxy_docker_events_total',
    help: 'Docker events received',
    registers: [this.registry],
  });
  readonly reconnects = new Counter({
    name: 'weave_proxy_event_stream_reconnects_total',
    help: 'Times the Docker event stream was reconnected',
    registers: [this.registry],
  });
  readonly dnsQueries = new Counter({
    name: 'weave_proxy_dns_queries_total',
    help: 'DNS queries by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.dropMisnamedGauges();
    for (const route of ROUTES) {
      this.requestDuration.zero({ route });
      for (const method of METHODS) for (const status of ['2xx', '4xx', '5xx']) this.requests.inc({ route, method, status }, 0);
    }
    for (const result of RESULTS) this.reconciles.inc({ controller: 'container', result }, 0);
    this.reconcileDuration.zero({ controller: 'container' });
    for (const phase of RECONCILE_PHASES) this.reconcilePhase.zero({ phase });
    for (const direction of ['to_docker', 'to_client']) this.bytes.inc({ direction }, 0);
    for (const state of ['live', 'gone']) this.peers.set({ state }, 0);
    for (const result of ['answered', 'nxdomain', 'forwarded', 'servfail', 'invalid']) this.dnsQueries.inc({ result }, 0);
  }

  /**
   * prom-client also serves three gauges named `*_total`, a suffix Prometheus reserves for counters
   * (promtool check metrics refuses them); their per-type versions without the suffix stay.
   */
  private dropMisnamedGauges(): void {
    for (const name of ['nodejs_active_handles', 'nodejs_active_requests', 'nodejs_active_resources']) {
      this.registry.removeSingleMetric(`${name}_total`);
    }
  }

  /** A gauge read at scrape time (queue depth, IPAM usage): the owner supplies the values. */
  gauge(name: string, help: string, labelNames: string[], read: () => Promise<Array<[Record<string, string>, number]>>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        for (const [labels, value] of await read()) this.set(labels, value);
      },
    });
  }
}

/** The route class of a Docker API path: a bounded label value. */
export function routeClass(intercepted: string | undefined, method: string | undefined, url: string | undefined): string {
  if (intercepted) return intercepted;
  const path = (url ?? '').replace(/^\/v[0-9.]+(?=\/)/, '');
  const first = /^\/([a-z_]+)/.exec(path)?.[1] ?? '';
  if (first === 'exec') return 'exec-start';
  if (['containers', 'images', 'build', 'events', 'networks', 'volumes'].includes(first)) return first;
  if (['_ping', 'info', 'version', 'system'].includes(first)) return 'system';
  void method;
  return 'other';
}

export function methodLabel(method: string | undefined): string {
  return method && METHODS.includes(method) ? method : 'other';
}

export function statusClass(code: number): string {
  return code >= 500 ? '5xx' : code >= 400 ? '4xx' : code >= 300 ? '3xx' : code >= 200 ? '2xx' : '1xx';
}
