import { Inject, Injectable, Optional } from '@nestjs/common';
import { isDomainError } from '@app/common';
import { ContainerInspect, DockerApiError, DockerClient } from '@app/docker';
import { AttachOutcome, AttachService, formatCidr, PhaseObserver, ProcessChangedError } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { MetricsService } from '../metrics/metrics.service';
import { ContainerStatus, ContainerStatusStore, Phase } from './container.status';

/** What a reconcile asks of the queue besides success or failure. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export const CLOCK = Symbol('CLOCK');
export type Clock = () => number;

/**
 * Level-triggered and idempotent: reads the container as it is now, derives what it should have,
 * converges, returns. It never knows or asks which event woke it. A running container that is ours
 * gets attached; a stopped one keeps its addresses for the release grace period (so a restart
 * keeps them), then releases them; a destroyed one releases them at once.
 */
@Injectable()
export class ContainerReconciler {
  constructor(
    private readonly docker: DockerClient,
    private readonly attach: AttachService,
    readonly statuses: ContainerStatusStore,
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    @Inject(CLOCK) private readonly now: Clock,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async reconcile(id: string): Promise<ReconcileResult> {
    const c = await this.inspect(id);
    if (!c) return this.gone(id);
    if (!c.State.Running || !c.State.Pid) return this.stopped(c);
    try {
      await this.attachRunning(c);
      return {};
    } catch (err) {
      // The PID named another process: nothing was done; read the container again.
      if (err instanceof ProcessChangedError) return { requeueAfterMs: 100 };
      // A process that exited (or was restarted) while we attached is not a failure: converge to
      // what the container is now.
      const now = await this.inspect(id).catch(() => c);
      if (!now) return this.gone(id);
      if (!now.State.Running || !now.State.Pid) return this.stopped(now);
      // dockerd may not have noticed the exit yet: the process itself says so first.
      if (now.State.Pid !== c.State.Pid || !(await this.attach.processAlive(c.State.Pid))) return { requeueAfterMs: 100 };
      this.fail(c, err);
      if (isDomainError(err) && err.terminal) await this.docker.kill(c.Id).catch(() => undefined);
      throw err;
    }
  }

  private async attachRunning(c: ContainerInspect): Promise<void> {
    const end = this.metrics?.attachDuration.startTimer();
    let gateOpened = false;
    const observe: PhaseObserver = (phase, seconds) => {
      if (phase === 'open_gate') gateOpened = true;
      this.metrics?.reconcilePhase.observe({ phase }, seconds);
    };
    // Recorded before the gate opens: the weaveDNS name answers before the process runs.
    const outcome = await this.attach.attachInspected(c, (attached) => this.record(c, attached), observe);
    if (outcome.state === 'attached') end?.();
    // How long this process waited in /w/w, counted from dockerd's start (a restart's included).
    const started = Date.parse(c.State.StartedAt ?? '');
    if (gateOpened && started) this.metrics?.startToGate.observe(Math.max(0, this.now() - started) / 1000);
    // Went through the proxy but will not be attached: weavewait lets it run unnetworked (and
    // says so in its log) rather than wait forever.
    if (outcome.state === 'not-ours') await this.attach.releaseUnattached(c);
    this.record(c, outcome);
  }

  private async inspect(id: string): Promise<ContainerInspect | undefined> {
    const end = this.metrics?.reconcilePhase.startTimer({ phase: 'inspect' });
    try {
      return await this.docker.inspectContainer(id);
    } catch (err) {
      if (err instanceof DockerApiError && err.status === 404) return undefined;
      throw err;
    } finally {
      end?.();
    }
  }

  private async release(id: string): Promise<void> {
    const end = this.metrics?.reconcilePhase.startTimer({ phase: 'release' });
    try {
      await this.attach.release(id);
    } finally {
      end?.();
    }
  }

  private async gone(id: string): Promise<ReconcileResult> {
    await this.release(id);
    this.statuses.delete(id);
    return {};
  }

  private async stopped(c: ContainerInspect): Promise<ReconcileResult> {
    const ours = this.attach.isOurs(c);
    const prev = this.statuses.get(c.Id);
    const finished = Date.parse(c.State.FinishedAt ?? '') || this.now();
    const remaining = finished + this.config.releaseGraceSeconds * 1000 - this.now();
    // A container stopped because its attach failed keeps saying why.
    const phase: Phase = !ours ? 'not-ours' : prev?.phase === 'failed' ? 'failed' : 'stopped';
    if (ours && remaining > 0) {
      this.put(c, true, phase, prev?.addresses ?? [], prev?.lastError);
      return { requeueAfterMs: remaining };
    }
    await this.release(c.Id);
    this.put(c, ours, phase, [], phase === 'failed' ? prev?.lastError : undefined);
    return {};
  }

  private record(c: ContainerInspect, outcome: AttachOutcome): void {
    if (outcome.state === 'attached') {
      const addrs = outcome.addresses.map((a) => formatCidr(a.address, a.prefixLength));
      this.put(c, true, 'attached', addrs, undefined, outcome.mac);
    } else {
      this.put(c, outcome.state === 'not-running', outcome.state === 'not-ours' ? 'not-ours' : 'waiting', []);
    }
  }

  private fail(c: ContainerInspect, err: unknown): void {
    const prev = this.statuses.get(c.Id);
    this.put(c, true, 'failed', prev?.addresses ?? [], isDomainError(err) ? err.message : String(err));
  }

  private put(c: ContainerInspect, ours: boolean, phase: Phase, addresses: string[], lastError?: string, mac?: string): void {
    const status: ContainerStatus = {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      ours,
      phase,
      addresses,
      hostname: c.Config.Hostname,
      ...(c.Config.Domainname ? { domainname: c.Config.Domainname } : {}),
      ...(mac ? { mac } : {}),
      lastError,
      lastReconcile: new Date(this.now()).toISOString(),
    };
    this.statuses.set(status);
  }
}

