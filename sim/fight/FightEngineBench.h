#pragma once
// The fight engine's own speed for `palaestra-cli bench fight`: whole best-of-3
// matches between roster characters, back to back, both sides pressing
// RandomPads (walking, jumps, dashes, normals, throws, typed special motions),
// no observations, no rendering. Frames per second of thread CPU time, so other
// processes on a shared core do not lower the figure.

#include "env/EnvRegistry.h"
#include "fight/CharacterLoader.h"

namespace palaestra::fight {

/// Median frames/s per core over 5 runs of seconds/3 each, then all `threads` at once; keys
/// frames_per_s (the median), frames_per_s_runs, frames_per_s_wall_1t, frames_per_s_all_threads,
/// frames_per_s_per_thread_cpu, frames, matches, characters. Throws ConfigError on an empty roster.
EngineBenchReport benchFightEngine(const Roster& roster, double seconds, int threads);

}  // namespace palaestra::fight
