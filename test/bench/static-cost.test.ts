import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { hotPathCost, HotPathCostError, worstHotPathCost } from '../../bench/hotpath/static-cost.ts';
import { fixtureModel } from './fixture-machine.ts';

describe('hotPathCost on the fixture machine', () => {
  it('finds the path to the find, the steps to the put, and counts the per-CPU slot as local', () => {
    const cost = hotPathCost(fixtureModel('percpu'), { thread: 'net0' });
    expect(cost.prefix.map((e) => e.type)).toEqual(['net0.get']);
    expect(cost.between.map((e) => e.type)).toEqual(['net0.use']);
    expect(cost.find.event.type).toBe('net0.find');
    expect(cost.put.event.type).toBe('net0.put');
    expect([cost.localWrites, cost.sharedWrites, cost.threadWrites]).toEqual([2, 0, 4]);
    expect(cost.localFields).toEqual(['ref.0']);
    expect(cost.find.writes.map((w) => `${w.path}:${w.class}`)).toEqual(['ref.0:local', 'threads.0.chan:thread', 'threads.0.inFlight:thread']);
  });

  it('classifies by the CPU the thread runs on', () => {
    const cost = hotPathCost(fixtureModel('percpu', 1), { thread: 'net0' });
    expect(cost.localFields).toEqual(['ref.1']);
  });

  it('counts a global counter as two shared writes per pair', () => {
    const cost = hotPathCost(fixtureModel('atomic'), { thread: 'net0' });
    expect([cost.localWrites, cost.sharedWrites]).toEqual([0, 2]);
    expect(cost.sharedFields).toEqual(['count']);
  });

  it('counts nothing but thread state for a plain table read', () => {
    const cost = hotPathCost(fixtureModel('plain'), { thread: 'net0' });
    expect([cost.localWrites, cost.sharedWrites, cost.threadWrites]).toEqual([0, 0, 4]);
  });

  it("counts a store into another CPU's per-CPU slot as shared", () => {
    const cost = hotPathCost(fixtureModel('remote', 1), { thread: 'net0' });
    expect([cost.localWrites, cost.sharedWrites]).toEqual([0, 2]);
    expect(cost.sharedFields).toEqual(['ref.0']);
  });

  it('honours an explicit per-CPU field list', () => {
    const cost = hotPathCost(fixtureModel('percpu'), { thread: 'net0', perCpuFields: [] });
    expect([cost.localWrites, cost.sharedWrites]).toEqual([0, 2]);
  });

  it('leaves the model itself untouched', () => {
    const model = fixtureModel('percpu');
    hotPathCost(model, { thread: 'net0' });
    let [s] = initialTransition(model.machine);
    for (const type of ['net0.get', 'net0.find']) [s] = transition(model.machine, s, { type });
    expect(s.context.ref).toEqual([1, 0]);
  });

  it('worst case: one pair from every state where the find is enabled', () => {
    const w = worstHotPathCost(fixtureModel('atomic'), { thread: 'net0' });
    expect(w.pairs).toBe(1); // only the idle state enables the find (the context returns to it)
    expect([w.worst.sharedWrites, w.worst.localWrites]).toEqual([2, 0]);
    expect(w.worst.prefix.map((e) => e.type)).toEqual(['net0.get']);
    expect(() => worstHotPathCost(fixtureModel('atomic'), { thread: 'net0', find: 'nothing' })).toThrow(/never enabled/);
  });

  it('names an unknown thread or step', () => {
    expect(() => hotPathCost(fixtureModel('plain'), { thread: 'nobody' })).toThrow(HotPathCostError);
    expect(() => hotPathCost(fixtureModel('plain'), { thread: 'net0', put: 'release' })).toThrow(/net0.release is never enabled/);
  });
});
