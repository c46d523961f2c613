/**
 * Node flags the projector process runs with (`forkline run`, `forkline rebuild`, the
 * projector bench). A batch keeps ~30,000 events' objects alive across its SQL round trips,
 * longer than a default 16 MB young generation lasts: the scavenger copied them into the
 * old generation, and the V8 profile showed a third of the process's CPU in the garbage
 * collector. A 64 MB semi-space lets most of them die young (a fifth of the CPU in the
 * collector, the process's CPU per event down by about a fifth), for ~150 MB more memory.
 */
export const PROJECTOR_NODE_FLAGS = ['--max-semi-space-size=64'];
