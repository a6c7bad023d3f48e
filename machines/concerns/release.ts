/**
 * Standalone machine, one per design: the release notification of unregister — the IOH
 * region the design contributes to the system machine — against one abstract holder of a
 * private channel (`holder.release`, `dma_release_channel`, at any moment). Shows what
 * unregister does about a holder: baseline frees under it, rfc-wait waits for it.
 * @module
 */
import type { ClientSpec, IohSpec, Scenario } from '../../src/scenario.ts';
import type { Rules } from '../kit.ts';
import { makeModel, type ConfiguredModel, type StateConfig } from '../make.ts';
import { initialContext, type SystemContext } from '../system/context.ts';
import type { DesignModel } from '../system/design.ts';
import { systemRules } from '../system/index.ts';
import { iohBuild, iohRegion } from '../system/ioh.ts';
import { layoutOf } from '../system/layout.ts';

/** The one client a release machine is drawn against: a slave holding a private channel of the IOH's first device. */
export function releaseHolder(ioh: IohSpec): ClientSpec {
  return { name: 'holder', kind: 'slave', cpu: 0, capability: ioh.devices[0].capabilities[0], releases: true, busy: false, migrates: false, rounds: 1 };
}

/** The release-notification machine of design `D` (the scenario's) for the scenario's first IOH. */
export function buildRelease(scenario: Scenario, D: DesignModel): ConfiguredModel<SystemContext> {
  const ioh = scenario.iohs[0];
  const holder = releaseHolder(ioh);
  const L = layoutOf({ ...scenario, iohs: [ioh], clients: [holder] });
  const b = iohBuild(L, 0);
  const region = iohRegion(b, D.ejecting(b));
  const p = { t: 0 };
  const config: StateConfig = {
    ...region,
    description: `design ${D.name}: what unregister does while a private channel is held`,
    on: {
      'holder.release': {
        guard: { type: 'holderHolds', params: p },
        actions: [{ type: 'releaseChannel', params: p }],
        description: 'the holder calls dma_release_channel (RFC: wakes the unregister wait queue)',
      },
    },
    context: heldContext(L, D),
  };
  const base = systemRules(L, D);
  // Typed by name only: the spread of the design's rules has no literal names to check against.
  const rules: Rules<SystemContext> = {
    // dma_release_channel takes dma_list_mutex: blocked while the RFC's unregister holds it.
    guards: { ...base.guards, holderHolds: (c: SystemContext, q: { t: number }) => c.listMutex < 0 && c.threads[q.t].chan >= 0 },
    actions: base.actions,
  };
  return makeModel({
    name: `release:${D.name}`,
    scenario,
    config,
    rules,
    threads: [b.info.name],
    payloads: {},
    isFinal: (v) => v.active(b.id('removed')),
  });
}

/** Start: the holder has `dma_request_channel`ed the first channel of the first device. */
function heldContext(L: ReturnType<typeof layoutOf>, D: DesignModel): SystemContext {
  const ctx = initialContext(L, D.variables);
  const c = L.devices[0].channels[0];
  Object.assign(ctx.devices[0], { private: 1, privatecnt: 1 });
  Object.assign(ctx.channels[c], { clientCount: 1, resources: 1 });
  // The holder's 0→1 dma_chan_get took a device reference, under a design that counts them.
  if (D.deviceKref) ctx.design.devices[0][D.deviceKref]++;
  ctx.threads[0].chan = c;
  return ctx;
}
