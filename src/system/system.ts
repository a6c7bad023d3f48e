/**
 * The System: one kernel (src/core) with its IOHs (src/ioh) and client threads
 * (src/clients), built from a {@link Scenario}, driven one step of spec/threads.md at a
 * time. This is the interface conformance tests replay machine paths on:
 * {@link System.observe}, {@link System.enabledSteps} and {@link System.step}.
 *
 * Each thread is a generator (src/core/thread.ts) parked at a preemption point; `step`
 * resumes the named thread to its next point. Two steps are the scheduler's, not the
 * program's: `<client>.migrate {cpu}` moves a thread between its steps, and
 * `<ioh>.surpriseRemove` pulls the hardware between any two steps of the IOH.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import type { Observable } from '../../spec/observable.ts';
import { ClientState } from '../core/client-state.ts';
import { tableRowOf } from '../table-rows.ts';
import { eventText, hasWalker, rxThread, splitEvent } from '../../spec/vocabulary.ts';
import { NET_RX_STEPS, netRxProgram } from '../clients/net-rx.ts';
import { clientProgram, clientSteps } from '../clients/programs.ts';
import type { Design } from '../designs/design.ts';
import { designOf } from '../designs/registry.ts';
import { CPU_STEPS, cpuHotplugProgram } from '../ioh/cpu-thread.ts';
import { Ioh } from '../ioh/ioh.ts';
import { IOH_STEPS, iohProgram, probe } from '../ioh/ioh-thread.ts';
import type { Scenario } from '../scenario.ts';
import type { DesignStrategy } from '../core/design.ts';
import { DmaEngine } from '../core/dmaengine.ts';
import { DmaRuleError } from '../core/errors.ts';
import { observe } from './observe.ts';
import type { Payload, Point, ThreadProgram } from '../core/thread.ts';

/** What the scenario does not say: the design to use instead, and optional hot-plug acts. */
export interface SystemOptions {
  /** The design to run (its strategy); default: the registry's design named by `scenario.design`. */
  readonly design?: Design;
  /** A bare design strategy (a sketch with no model); overrides `design`. */
  readonly strategy?: DesignStrategy;
  /** `<ioh>.hotAdd` / `probe` after removal. Default false. */
  readonly hotAdd?: boolean;
  /** `<ioh>.surpriseRemove`. Default false. */
  readonly surpriseRemoval?: boolean;
  /** The `cpu` thread (`cpu.offline` / `cpu.online`). Default: the scenario's `cpuHotplug`. */
  readonly cpuHotplug?: boolean;
}

/** The strategy of design `d`. @throws DmaRuleError `design-unavailable` if it has none. */
function strategyOf(d: Design): DesignStrategy {
  if (!d.strategy)
    throw new DmaRuleError('design-unavailable', `design ${d.model.name} has no implementation strategy: it runs on the model only (check, paths)`);
  return d.strategy;
}

/** A thread that has not finished, and what it waits for. */
export interface BlockedThread {
  readonly thread: string;
  readonly waitingFor: string;
}

interface Thread {
  readonly name: string;
  readonly program: ThreadProgram;
  /** The point the thread is parked at; null once the program returned. */
  point: Point | null;
  /** Step names in spec/threads.md order (orders {@link System.enabledSteps}). */
  readonly order: readonly string[];
  readonly client?: ClientState;
  readonly ioh?: Ioh;
}

/** The executable system of one scenario. */
export class System {
  readonly kernel: DmaEngine;
  readonly iohs: readonly Ioh[];
  readonly clients: readonly ClientState[];
  private readonly threads: Thread[] = [];
  private readonly surpriseRemoval: boolean;

  constructor(
    readonly scenario: Scenario,
    options: SystemOptions = {},
  ) {
    this.kernel = new DmaEngine({
      cpus: scenario.cpus,
      strategy: options.strategy ?? strategyOf(options.design ?? designOf(scenario.design)),
      quiesceThreshold: scenario.quiesceThreshold,
    });
    const k = this.kernel;
    this.surpriseRemoval = options.surpriseRemoval ?? false;
    // Boot: every IOH online, its devices registered (public), all CPUs online; under the
    // scenario's hotAdd every IOH present, its devices registered by its thread's probe step.
    this.iohs = scenario.iohs.map((spec) => new Ioh(spec));
    if (!scenario.hotAdd) for (const h of this.iohs) probe(k, h);
    this.clients = scenario.clients.map((spec) => new ClientState(spec, tableRowOf(scenario, spec)));
    k.preemptOffAnywhere = () => this.clients.some((c) => c.preemptOff);
    for (const c of this.clients) this.addThread(c.name, clientProgram(k, c, scenario.allocFailures === true), clientSteps(c), { client: c });
    this.iohs.forEach((h, i) => {
      const probeFirst = scenario.hotAdd ? { earlierProbed: () => this.iohs.slice(0, i).every((o) => o.state !== 'present') } : undefined;
      this.addThread(h.name, iohProgram(k, h, options.hotAdd ?? false, this.clients, probeFirst), IOH_STEPS, { ioh: h });
    });
    if (options.cpuHotplug ?? scenario.cpuHotplug) this.addThread('cpu', cpuHotplugProgram(k, this.clients), CPU_STEPS, {});
    for (const c of this.clients) if (hasWalker(c.spec)) this.addThread(rxThread(c.name), netRxProgram(k, c), NET_RX_STEPS, {});
  }

  private addThread(name: string, program: ThreadProgram, order: readonly string[], x: { client?: ClientState; ioh?: Ioh }): void {
    const r = program.next();
    this.threads.push({ name, program, point: r.done ? null : r.value, order, ...x });
  }

  /** The observable state (spec/observable.ts). */
  observe(): Observable {
    return observe(this.kernel, this.iohs, this.clients);
  }

  /** Every step enabled now, with payloads: threads in scenario order, steps in spec order. */
  enabledSteps(): StepEvent[] {
    return this.threads.flatMap((t) => this.enabledOf(t));
  }

  private enabledOf(t: Thread): StepEvent[] {
    const found: { step: string; payload: Payload }[] = [];
    for (const o of t.point?.offers ?? []) for (const payload of o.variants()) found.push({ step: o.step, payload });
    const k = this.kernel;
    if (t.client?.migratable)
      for (let cpu = 0; cpu < k.cpus; cpu++) if (k.cpuOnline[cpu] && cpu !== t.client.cpu) found.push({ step: 'migrate', payload: { cpu } });
    if (t.ioh && this.surpriseRemoval && t.ioh.canSurpriseRemove) found.push({ step: 'surpriseRemove', payload: {} });
    const rank = (s: string) => {
      const i = t.order.indexOf(s);
      return i < 0 ? t.order.length : i;
    };
    return found
      .map((f, i) => ({ ...f, i }))
      .sort((a, b) => rank(a.step) - rank(b.step) || a.i - b.i)
      .map((f) => ({ type: `${t.name}.${f.step}`, ...f.payload }));
  }

  /**
   * Performs exactly `event`, one step of spec/threads.md.
   * @throws DmaRuleError `step-unknown`, `cpu-unknown`, `cpu-offline` or `step-not-enabled`;
   *   the state is unchanged then.
   */
  step(event: StepEvent): void {
    const { thread: name, step } = splitEvent(event.type);
    const t = this.threads.find((x) => x.name === name);
    if (!t) throw new DmaRuleError('step-unknown', `no thread named ${JSON.stringify(name)} (event ${event.type})`);
    if (!t.order.includes(step) && !(t.point?.offers ?? []).some((o) => o.step === step))
      throw new DmaRuleError('step-unknown', `thread ${name} has no step ${JSON.stringify(step)}`);
    if ('cpu' in event) {
      const cpu = event.cpu as number;
      if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.kernel.cpus)
        throw new DmaRuleError('cpu-unknown', `${event.type}: CPU ${String(cpu)} does not exist (CPUs 0..${this.kernel.cpus - 1})`);
      if (step === 'migrate' && !this.kernel.cpuOnline[cpu]) throw new DmaRuleError('cpu-offline', `${event.type}: CPU ${cpu} is offline`);
    }
    const { type: _type, ...rest } = event;
    const payload = rest as Payload; // equal to an enabled variant's, checked next
    const enabled = this.enabledOf(t).some((e) => e.type === event.type && samePayload(e, payload));
    if (!enabled) throw new DmaRuleError('step-not-enabled', `${eventText(event)} is not enabled now`);
    if (step === 'migrate') t.client!.cpu = payload.cpu as number;
    else if (step === 'surpriseRemove') t.ioh!.surpriseRemove();
    else {
      this.kernel.current = name; // kernel calls inside this step run on behalf of thread `name`
      const r = t.program.next({ step, payload });
      t.point = r.done ? null : r.value;
    }
  }

  /** Whether thread `name` has nothing left to do (its program ended or rests at a proper end). */
  isFinished(name: string): boolean {
    const t = this.threads.find((x) => x.name === name);
    if (!t) throw new DmaRuleError('step-unknown', `no thread named ${JSON.stringify(name)}`);
    return finished(t);
  }

  /** Every thread has finished: a completed run. */
  allFinished(): boolean {
    return this.threads.every(finished);
  }

  /** Thread names: clients in scenario order, then IOHs, then `cpu` if present, then the net_dma softirqs. */
  threadNames(): string[] {
    return this.threads.map((t) => t.name);
  }

  /**
   * Deadlock detection: if no step is enabled while some thread has not finished, the
   * unfinished threads and what each waits for; otherwise null.
   */
  deadlock(): BlockedThread[] | null {
    if (this.enabledSteps().length > 0) return null;
    const blocked = this.threads
      .filter((t) => !finished(t))
      .map((t) => ({
        thread: t.name,
        waitingFor: t.point?.waitingFor?.() ?? `no step enabled (offers ${t.point?.offers.map((o) => o.step).join(', ')})`,
      }));
    return blocked.length > 0 ? blocked : null;
  }
}

function finished(t: Thread): boolean {
  return t.point === null || t.point.final === true;
}

function samePayload(e: StepEvent, payload: Record<string, unknown>): boolean {
  const a = Object.keys(e).filter((x) => x !== 'type');
  const b = Object.keys(payload);
  return a.length === b.length && b.every((key) => e[key] === payload[key]);
}

/** Builds the system of `scenario` (see {@link System}). */
export function createSystem(scenario: Scenario, options?: SystemOptions): System {
  return new System(scenario, options);
}
