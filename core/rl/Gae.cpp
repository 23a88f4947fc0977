#include "rl/Gae.h"

#include <cstddef>


namespace palaestra {

void computeGae(int steps, int streams, const float* rewards, const float* values, const float* dones,
                const float* nextValues, const float* nextDones, double gamma, double lambda, float* advantages,
                float* returns) {
  const float g = static_cast<float>(gamma), gl = static_cast<float>(gamma * lambda);
  for (int k = 0; k < streams; ++k) {
    float lastGaeLam = 0.0f;
    for (int t = steps - 1; t >= 0; --t) {
      const size_t i = static_cast<size_t>(t) * streams + k;
      float nextNonTerminal, nextValue;
      if (t == steps - 1) {
        nextNonTerminal = 1.0f - nextDones[k];
        nextValue = nextValues[k];
      } else {
        nextNonTerminal = 1.0f - dones[i + streams];
        nextValue = values[i + streams];
      }
      const float delta = rewards[i] + g * nextValue * nextNonTerminal - values[i];
      lastGaeLam = delta + gl * nextNonTerminal * lastGaeLam;
      advantages[i] = lastGaeLam;
      returns[i] = lastGaeLam + values[i];
    }
  }
}

}  // namespace palaestra
