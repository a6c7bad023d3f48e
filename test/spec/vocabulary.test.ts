import { describe, expect, it } from 'vitest';
import { eventLabel, eventStep, eventText, eventThread, parseViolation, splitEvent, ViolationSyntaxError, violationText } from '../../spec/vocabulary.ts';

describe('the event vocabulary', () => {
  it('splits an event type at its first dot: thread, then step', () => {
    expect(splitEvent('net0.find')).toEqual({ thread: 'net0', step: 'find' });
    expect(splitEvent('net0-rx.softirq.more')).toEqual({ thread: 'net0-rx', step: 'softirq.more' });
    expect(splitEvent('ioh0')).toEqual({ thread: 'ioh0', step: '' });
    expect(eventThread({ type: 'ioh0.eject' })).toBe('ioh0');
    expect(eventStep({ type: 'ioh0.eject' })).toBe('eject');
  });

  it('prints an event for a reader with its payload in the event order', () => {
    expect(eventText({ type: 'net0.find' })).toBe('net0.find');
    expect(eventText({ type: 'net0.migrate', cpu: 1 })).toBe('net0.migrate {cpu: 1}');
    expect(eventText({ type: 'slave0.request', allocOk: false, cpu: 0 })).toBe('slave0.request {allocOk: false, cpu: 0}');
  });

  it('labels an event as the exported paths list it, fields in name order whatever the object order', () => {
    expect(eventLabel({ type: 'net0.find' })).toBe('net0.find');
    expect(eventLabel({ type: 'slave0.request', cpu: 0, allocOk: false })).toBe('slave0.request allocOk=false cpu=0');
    expect(eventLabel({ type: 'slave0.request', allocOk: false, cpu: 0 })).toBe('slave0.request allocOk=false cpu=0');
  });
});

describe('violations as data', () => {
  it('round-trips the observable text form', () => {
    const v = parseViolation('use-on-removed-hardware:net0:ioat0.1');
    expect(v).toEqual({ kind: 'use-on-removed-hardware', thread: 'net0', chan: 'ioat0.1' });
    expect(violationText(v)).toBe('use-on-removed-hardware:net0:ioat0.1');
  });

  it('refuses an unknown kind or a missing field, naming the text', () => {
    for (const bad of ['use-after-frees:net0:ioat0.0', 'use-after-free:net0', 'use-after-free::ioat0.0', 'use-after-free:a:b:c'])
      expect(() => parseViolation(bad)).toThrow(new ViolationSyntaxError(bad));
  });
});
