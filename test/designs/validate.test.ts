import { describe, expect, it } from 'vitest';
import type { ActionRule } from '../../machines/kit.ts';
import type { SystemContext } from '../../machines/system/context.ts';
import type { DesignModel } from '../../machines/system/design.ts';
import { buildSystem } from '../../machines/system/index.ts';
import type { StateConfig } from '../../machines/make.ts';
import { DESIGN_NAMES } from '../../src/scenario.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { DesignError, DesignErrors, validateDesign } from '../../src/designs/validate.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { freeBeforeAck } from '../../examples/designs/free-before-ack.ts';

const S: Scenario = DEFAULT_SCENARIO;
const base = freeBeforeAck;
/** The DesignError `d` fails validation with. */
function errorOf(d: unknown): DesignError {
  try {
    validateDesign(d, S);
  } catch (err) {
    if (err instanceof DesignError) return err;
    throw err;
  }
  throw new Error('validated');
}
/** The example design with one action replaced. */
const withAction = (name: string, a: ActionRule<SystemContext>): DesignModel => ({
  ...base,
  rules: (L) => {
    const r = base.rules(L);
    return { ...r, actions: { ...r.actions, [name]: a } };
  },
});

describe('validateDesign', () => {
  it('accepts every built-in design and the guide’s example', () => {
    for (const n of DESIGN_NAMES) expect(validateDesign(DESIGNS[n], { ...S, design: n }).model).toBe(DESIGNS[n].model);
    expect(validateDesign(base, S)).toEqual({ model: base });
  });

  it('deadlock-free, always checked, is not a claim', () => {
    expect(errorOf({ ...base, claims: ['deadlock-free' as never] }).message).toBe(
      'design error: design free-before-ack: claim deadlock-free: is checked for every design and shown in every verdict table, but it is not a claimable property; leave it out of claims',
    );
  });

  it('a misspelled claim, with the property it meant', () => {
    const e = errorOf({ ...base, claims: ['removal-complete'] });
    expect(e.message).toBe(
      'design error: design free-before-ack: claim removal-complete: no property has this name (did you mean removal-completes?); claim one of no-use-after-free, ' +
        e.message.split('claim one of no-use-after-free, ')[1],
    );
    expect(e.where).toBe('claim removal-complete');
  });

  it('an assumption flag or client kind that does not exist', () => {
    expect(errorOf({ ...base, assumptions: [{ text: 't', flags: { release: true } }] }).message).toMatch(
      /^design error: design free-before-ack: assumption 1 flag release: is not a client flag \(did you mean releases\?\); use one of releases, busy/,
    );
    expect(errorOf({ ...base, assumptions: [{ text: 't', kinds: ['slaves'], flags: {} }] }).message).toMatch(
      /assumption 1 kind slaves: is not a client kind \(did you mean slave\?\)/,
    );
  });

  it('model fields: hot path kind, name', () => {
    expect(errorOf({ ...base, hotPath: 'try-get' }).message).toMatch(
      /^design error: design free-before-ack: hotPath: "try-get" is not a hot path kind \(did you mean tryget\?\)/,
    );
    expect(errorOf({ ...base, name: 'Free Before' }).message).toMatch(/^design error: design Free Before: name: "Free Before" is not lower case/);
  });

  it('a guard or action the program names but no rule defines', () => {
    const d: DesignModel = { ...base, rules: (L) => ({ ...base.rules(L), guards: { notifed: base.rules(L).guards!.notified } }) };
    expect(errorOf(d).message).toMatch(
      /^design error: design free-before-ack: step net0\.ack in net0\.worker\.idle: guard notified is not defined \(did you mean notifed\?\); define it in rules\(\)\.guards/,
    );
  });

  it('a target that is no state, or a state of another thread', () => {
    const bad = (target: string): DesignModel => ({
      ...base,
      ejecting: (b) => {
        const p = base.ejecting(b);
        return {
          ...p,
          states: { ...p.states, dropping: { id: b.id('dropping'), on: { [b.ev('putRefs')]: { target, actions: [{ type: 'putRefs', params: b.p }] } } } },
        };
      },
    });
    expect(errorOf(bad('#ioh0.unlistd')).message).toMatch(
      /step ioh0\.putRefs in ioh0\.dropping: target #ioh0\.unlistd is no state \(did you mean ioh0\.unlisted\?\)/,
    );
    expect(errorOf(bad('#net0.worker.idle')).message).toMatch(/target #net0\.worker\.idle is on another thread/);
  });

  it('a write to a field the context does not have: named, with the declaration that fixes it', () => {
    const d = withAction('notifyHolders', (ctx, { h }: { h: number }) => {
      for (const th of ctx.threads) (th as unknown as Record<string, number>).asked = ctx.iohs[h].cur >= 0 ? 1 : 0;
    });
    const e = errorOf(d);
    expect(e.where).toBe('action notifyHolders');
    expect(e.message).toMatch(
      /writes ctx\.threads\[0\]\.asked on ioh0\.notify, which is not a context field \(the checker would drop it\); declare it in variables \(e\.g\. perThread: \{ asked:/,
    );
  });

  it('an action that throws in a reachable state (the dry run)', () => {
    const d = withAction('ackRelease', () => {
      throw new RangeError('no such channel');
    });
    expect(errorOf(d).message).toMatch(
      /^design error: design free-before-ack: action ackRelease: throws no such channel on (net0|slave0)\.ack; an action must only update/,
    );
  });

  it('a design variable leaving its declared range', () => {
    const d: DesignModel = { ...base, variables: { perThread: { told: { initial: 0, min: 0, max: 1, description: 'asked' } } } };
    expect(errorOf(d).message).toMatch(
      /^design error: design free-before-ack: variable threads\[\d\]\.told: is 2, outside its range 0\.\.1 after \w+\.ack; widen the declared range/,
    );
  });

  it('a declared variable whose initial value is out of its range', () => {
    const d: DesignModel = { ...base, variables: { perThread: { told: { initial: 3, min: 0, max: 2, description: 'asked' } } } };
    expect(errorOf(d).message).toMatch(/variable perThread\.told: initial 3 is outside 0\.\.2/);
  });

  it('a deviceKref that names no per-device variable (the observable would read undefined)', () => {
    const told = { initial: 1, min: 0, max: 9, description: 'the device kref' };
    expect(errorOf({ ...base, deviceKref: 'ref', variables: { perDevice: { kref: told } } }).message).toMatch(
      /deviceKref: "ref" is no per-device variable of the design \(did you mean kref\?\)/,
    );
    expect(errorOf({ ...base, deviceKref: 'kref', variables: { perThread: { kref: told } } }).message).toMatch(/deviceKref: "kref" is no per-device variable/);
  });

  it('a per-device-per-CPU variable leaving its declared range, named by device and CPU', () => {
    const ack = withAction('ackRelease', (ctx, p: { t: number }) => {
      ctx.design.threads[p.t].told = 2;
      ctx.design.deviceCpus[0][1].pending++;
    });
    const d: DesignModel = { ...ack, variables: { ...base.variables, perDeviceCpu: { pending: { initial: 0, min: 0, max: 0, description: 'acks' } } } };
    expect(errorOf(d).message).toMatch(/variable deviceCpus\[0\]\[1\]\.pending: is 1, outside its range 0\.\.0 after \w+\.ack/);
  });

  // Mistakes that were accepted silently and gave a believable verdict (issue 25).
  /** The example design with one guard replaced. */
  const withGuard = (name: string, g: (ctx: SystemContext, p: { t: number }) => boolean): DesignModel => ({
    ...base,
    rules: (L) => {
      const r = base.rules(L);
      return { ...r, guards: { ...r.guards, [name]: g } };
    },
  });

  it('a guard reading an undeclared design variable (a typo reads undefined)', () => {
    const e = errorOf(withGuard('notified', (ctx, { t }) => (ctx.design.threads[t] as Record<string, number>).tld === 1));
    expect(e.where).toBe('guard notified');
    expect(e.message).toMatch(/reads ctx\.design\.threads\[\d\]\.tld, which is not a context field \(it reads undefined\); declare tld in variables/);
  });

  it('an action that returns a new context instead of updating it (the xstate assign habit)', () => {
    const d = withAction('notifyHolders', (ctx) => ({ ...ctx, refCount: 0 }) as never);
    const e = errorOf(d);
    expect(e.where).toBe('action notifyHolders');
    expect(e.message).toMatch(/returns object on ioh0\.notify, which the checker ignores; an action updates ctx in place and returns nothing/);
  });

  it('a guard that writes the context', () => {
    const e = errorOf(
      withGuard('notified', (ctx, { t }) => {
        ctx.design.threads[t].told = 2;
        return true;
      }),
    );
    expect(e.where).toBe('guard notified');
    expect(e.message).toMatch(/writes ctx\.design\.threads\[\d\]\.told; a guard only reads the state/);
  });

  it('a design thread whose step changes nothing (a busy loop that hides deadlocks)', () => {
    const d: DesignModel = {
      ...base,
      threads: () => ({
        poll: {
          id: 'poll',
          initial: 'idle',
          states: { idle: { id: 'poll.idle', on: { 'poll.tick': { target: '#poll.idle', description: 'poll' } } } },
        },
      }),
    };
    const e = errorOf(d);
    expect(e.where).toBe('step poll.tick');
    expect(e.message).toMatch(/changes nothing .* hides every deadlock and keeps timers from firing/);
  });

  it('every mistake of a module in one run: missing fields, wrong types, several bad claims, several bad targets', () => {
    const d = { ...base, title: 7, summary: undefined, claims: ['removal-complete', 'no-use-after-fre', 'no-use-after-fre'] } as unknown as DesignModel;
    const e = errorOf(d);
    expect(e).toBeInstanceOf(DesignErrors);
    expect(e.message.split('\n')).toEqual([
      'design error: design free-before-ack: 4 mistakes:',
      '  title: must be a string; add a title',
      '  summary: must be a string; add a summary',
      expect.stringMatching(/^ {2}claim removal-complete: no property has this name \(did you mean removal-completes\?\)/),
      expect.stringMatching(/^ {2}claim no-use-after-fre: no property has this name \(did you mean no-use-after-free\?\)/),
    ]);
    const targets: DesignModel = {
      ...base,
      ejecting: (b) => {
        const p = base.ejecting(b);
        const to = (target: string) => ({ target, actions: [{ type: 'putRefs', params: b.p }] });
        return {
          ...p,
          states: { ...p.states, dropping: { id: b.id('dropping'), on: { [b.ev('putRefs')]: to('#ioh0.nowhere'), [b.ev('drop')]: to('#ioh0.elsewhere') } } },
        };
      },
    };
    const t = errorOf(targets);
    expect((t as DesignErrors).problems.map((p) => p.problem)).toEqual([
      expect.stringMatching(/^target #ioh0\.nowhere is no state/),
      expect.stringMatching(/^target #ioh0\.elsewhere is no state/),
    ]);
  });
});

describe('a free that waits for a grace period needs synchronize_rcu to begin it', () => {
  // The guide's example, its rcuSyncThenFree replaced by a lone freeStep('rcu'): nothing records
  // the readers, so the free would wait for none (spec/threads.md, the grace period).
  const lone: DesignModel = {
    ...base,
    ejecting: (b) => {
      const p = base.ejecting(b);
      const { rcuWaiting, unlisted, ...rest } = p.states as Record<string, StateConfig<string, string>>;
      expect(unlisted).toBeDefined();
      return { ...p, states: { ...rest, unlisted: { ...rcuWaiting, id: b.id('unlisted') } } };
    },
  };

  it('is refused with the state at fault and the helper to use', () => {
    expect(() => buildSystem(S, lone)).toThrow(DesignError);
    expect(() => buildSystem(S, lone)).toThrow(
      'design error: design free-before-ack: ejecting state unlisted: its free waits for a grace period (freeStep rcu or holders) that no synchronizeRcu step begins; ' +
        "begin it with rcuSyncThenFree(b, key, text) (synchronize_rcu's start, then the free)",
    );
    expect(() => buildSystem(S, base)).not.toThrow();
  });
});
