/**
 * percpu_ref's hot path (`hotPath: 'tryget'`, src/designs/percpu-ref): a find or re-get is
 * `percpu_ref_tryget_live` (include/linux/percpu-refcount.h), two steps: inside
 * `rcu_read_lock` the mode test (the design's `findChannel`/`getChannel`), then
 * `this_cpu_inc` and `rcu_read_unlock` (its `refInc`). The put and the rules a design does
 * not override are the plain hot path's.
 * @module
 */
import type { HotPath } from '../hotpath.ts';
import { plainHotPath } from './plain.ts';

/** The tryget's two steps, each a state of its own where the thread can be preempted. */
export const tryget: HotPath = {
  description: "a find or re-get whose counting is a second step after a read-side section's test (percpu_ref_tryget_live)",
  split: true,
  reget: 'dma_get_channel(cached), the design’s re-get: async_tx re-takes the pointer kept in its descriptors (once)',
  rules: plainHotPath,
  states: ({ c, ev, id, inc, migrateInside }) => ({
    fetched: {
      id: id('fetched'),
      description: 'inside the read-side section: the tryget saw the ref live (or not); nothing counted yet',
      on: {
        [ev('inc')]: inc('found', undefined, 'percpu_ref_tryget_live: this_cpu_inc if the ref was seen live; rcu_read_unlock'),
        ...migrateInside(id('fetched')),
      },
    },
    ...(c.kind === 'async_tx'
      ? {
          regetting: {
            id: id('regetting'),
            description: 'inside the read-side section of the re-get’s tryget; nothing counted yet',
            on: {
              [ev('inc')]: inc('found', undefined, 'percpu_ref_tryget_live: this_cpu_inc if the ref was seen live; rcu_read_unlock'),
              ...migrateInside(id('regetting')),
            },
          },
        }
      : {}),
  }),
};
