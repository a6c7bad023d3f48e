import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, ScenarioError, parseScenario } from '../src/scenario.ts';
import { systemFor } from '../src/designs/registry.ts';
import { System } from '../src/system/system.ts';

const fieldOf = (json: unknown): string => {
  try {
    parseScenario(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).field;
  }
  throw new Error('parsed without error');
};

describe('parseScenario', () => {
  it('places omitted clients on the CPUs the file gives (CPU c mod cpus)', () => {
    const one = parseScenario({ cpus: 1 });
    expect(one.clients.map((c) => c.cpu)).toEqual([0, 0, 0]);
    expect(one.clients.map((c) => c.name)).toEqual(DEFAULT_SCENARIO.clients.map((c) => c.name));
    expect(new System(one).observe().ref).toEqual([0]);
    expect(parseScenario({ cpus: 3 }).clients.map((c) => c.cpu)).toEqual(DEFAULT_SCENARIO.clients.map((c) => c.cpu));
  });
  it('fills omitted fields from the default scenario', () => {
    const s = parseScenario({ name: 'x' });
    expect({ ...s, name: 'default' }).toEqual({ ...DEFAULT_SCENARIO, cpuHotplug: false });
  });

  it('maps behaviour names onto the client flags', () => {
    const s = parseScenario({
      clients: [
        { name: 'a', kind: 'net_dma', behaviour: ['migrating', 'busy', 'never-releases'] },
        { name: 'b', kind: 'async_tx', behaviour: ['caches-pointer', 'releases-early'] },
        { name: 'c', kind: 'slave' },
      ],
    });
    expect(s.clients.map(({ releases, busy, migrates, releasesEarly }) => ({ releases, busy, migrates, releasesEarly }))).toEqual([
      { releases: false, busy: true, migrates: true, releasesEarly: false },
      { releases: true, busy: false, migrates: false, releasesEarly: true },
      { releases: true, busy: false, migrates: false, releasesEarly: false },
    ]);
  });

  it('names the first bad field', () => {
    expect(fieldOf([])).toBe('$');
    expect(fieldOf({ cpus: 0 })).toBe('cpus');
    expect(fieldOf({ design: 'rcu' })).toBe('design');
    expect(fieldOf({ colour: 'red' })).toBe('$.colour');
    expect(fieldOf({ clients: [{ name: 'a', kind: 'net_dma', cpu: 2 }] })).toBe('clients[0].cpu');
    expect(fieldOf({ clients: [{ name: 'a', kind: 'slave', behaviour: ['caches-pointer'] }] })).toBe('clients[0].behaviour');
    expect(fieldOf({ iohs: [{ name: 'h', devices: [{ name: 'd', channels: 9 }] }] })).toBe('iohs[0].devices[0].channels');
    expect(fieldOf({ iohs: [{ name: 'h', devices: [{ name: 'h', channels: 1 }] }] })).toBe('iohs[0].devices[0].name');
    expect(fieldOf({ cpuHotplug: 'yes' })).toBe('cpuHotplug');
  });

  it('says what is wrong in the message', () => {
    expect(() => parseScenario({ quiesceThreshold: 0.5 })).toThrow(/quiesceThreshold: must be an integer from 1 to 100 \(got 0\.5\)/);
  });

  it('asyncTxChannelSwitch: a boolean, kept only when true (default: x86 ioat, no switch)', () => {
    expect(parseScenario({ asyncTxChannelSwitch: true }).asyncTxChannelSwitch).toBe(true);
    expect('asyncTxChannelSwitch' in parseScenario({ asyncTxChannelSwitch: false })).toBe(false);
    expect(fieldOf({ asyncTxChannelSwitch: 'yes' })).toBe('asyncTxChannelSwitch');
  });

  it('driver options of a device (allocReturnsZero, deviceSynchronize, private): booleans, kept only when true', () => {
    const dev = (o: object) => parseScenario({ iohs: [{ name: 'h', devices: [{ name: 'd', channels: 1, ...o }] }] }).iohs[0].devices[0];
    expect(dev({ allocReturnsZero: true, deviceSynchronize: true, private: true })).toEqual({
      name: 'd',
      channels: 1,
      capabilities: ['memcpy'],
      allocReturnsZero: true,
      deviceSynchronize: true,
      private: true,
    });
    expect(dev({ allocReturnsZero: false, deviceSynchronize: false, private: false })).toEqual({ name: 'd', channels: 1, capabilities: ['memcpy'] });
    for (const k of ['allocReturnsZero', 'deviceSynchronize', 'private'])
      expect(fieldOf({ iohs: [{ name: 'h', devices: [{ name: 'd', channels: 1, [k]: 1 }] }] })).toBe(`iohs[0].devices[0].${k}`);
  });

  it("a slave's filter: the channel ids it accepts, each a channel of the scenario; slaves only", () => {
    const iohs = [{ name: 'h', devices: [{ name: 'd', channels: 2 }] }];
    expect(parseScenario({ iohs, clients: [{ name: 's', kind: 'slave', filter: ['d.1'] }] }).clients[0].filter).toEqual(['d.1']);
    expect('filter' in parseScenario({ iohs, clients: [{ name: 's', kind: 'slave' }] }).clients[0]).toBe(false);
    expect(fieldOf({ iohs, clients: [{ name: 'n', kind: 'net_dma', filter: ['d.0'] }] })).toBe('clients[0].filter');
    expect(fieldOf({ iohs, clients: [{ name: 's', kind: 'slave', filter: ['d.2'] }] })).toBe('clients[0].filter[0]');
    expect(fieldOf({ iohs, clients: [{ name: 's', kind: 'slave', filter: [3] }] })).toBe('clients[0].filter[0]');
  });

  it('cpuHotplug adds the cpu thread to both the machine and the implementation', () => {
    const s = parseScenario({ cpus: 3, cpuHotplug: true, clients: [{ name: 'n', kind: 'net_dma' }] });
    expect(systemFor(s).threads).toContain('cpu');
    expect(new System(s).enabledSteps().some((e) => e.type.startsWith('cpu.'))).toBe(true);
    const off = parseScenario({ cpus: 3, clients: [{ name: 'n', kind: 'net_dma' }] });
    expect(systemFor(off).threads).not.toContain('cpu');
    expect(new System(off).enabledSteps().some((e) => e.type.startsWith('cpu.'))).toBe(false);
  });
});
