#include "rl/Policy.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "util/Errors.h"
#include "util/Hash.h"

namespace palaestra {

static_assert(std::endian::native == std::endian::little, "policy bytes are written little-endian");

namespace {

constexpr char kMagic[8] = {'P', 'A', 'L', 'P', 'O', 'L', 'C', 'Y'};
constexpr size_t kHeaderSize = 8 + 4 + 8 + 8;  // magic, version, payload size, payload hash
constexpr double kObsEpsilon = 1e-8;           // gym NormalizeObservation's epsilon
constexpr uint32_t kMaxDims = 1u << 20;        // sanity bound on any stored size

uint64_t hashBytes(const uint8_t* data, size_t size) {
  StateHasher h;
  h.addBytes(data, size);
  return h.value();
}

class ByteWriter {
 public:
  template <typename T>
  void put(T v) {
    putRaw(&v, sizeof(T));
  }
  template <typename T>
  void putArray(const T* data, size_t n) {
    put<uint32_t>(static_cast<uint32_t>(n));
    putRaw(data, n * sizeof(T));
  }
  // resize + memcpy rather than insert: GCC 12 misreports insert of small ranges as an overflow.
  void putRaw(const void* data, size_t size) {
    if (size == 0) return;
    const size_t at = bytes.size();
    bytes.resize(at + size);
    std::memcpy(bytes.data() + at, data, size);
  }
  std::vector<uint8_t> bytes;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> d) : data_(d) {}
  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  template <typename T>
  std::vector<T> getArray(const char* what) {
    const uint32_t n = get<uint32_t>(what);
    if (n > kMaxDims * 64u) throw StoreError(std::string("policy data is corrupt: implausible size of ") + what);
    need(static_cast<size_t>(n) * sizeof(T), what);
    std::vector<T> out(n);
    if (n) std::memcpy(out.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return out;
  }
  bool atEnd() const { return pos_ == data_.size(); }

 private:
  void need(size_t n, const char* what) const {
    if (data_.size() - pos_ < n) throw StoreError(std::string("policy data is truncated while reading ") + what);
  }
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

// Version 2 adds each space's quantum; a policy without quanta is still written as version 1, so
// its bytes are what they always were.
void putSpace(ByteWriter& w, const Space& s, uint32_t version) {
  w.put<uint8_t>(static_cast<uint8_t>(s.kind));
  w.putArray(s.low.data(), s.low.size());
  w.putArray(s.high.data(), s.high.size());
  w.putArray(s.counts.data(), s.counts.size());
  if (version >= 2) w.put<float>(s.quantum);
}

Space getSpace(ByteReader& r, const char* what, uint32_t version) {
  Space s;
  const auto kind = r.get<uint8_t>(what);
  if (kind > static_cast<uint8_t>(SpaceKind::MultiDiscrete))
    throw StoreError(std::string("policy data is corrupt: unknown space kind in ") + what);
  s.kind = static_cast<SpaceKind>(kind);
  s.low = r.getArray<float>(what);
  s.high = r.getArray<float>(what);
  s.counts = r.getArray<int>(what);
  if (version >= 2) s.quantum = r.get<float>(what);
  return s;
}

// A quantum is a finite step >= 0, and 0 unless the space is a Box.
bool quantumIsValid(const Space& s) {
  return std::isfinite(s.quantum) && s.quantum >= 0.0f &&
         (s.kind == SpaceKind::Box || s.quantum == 0.0f);
}

// Whether a space is well formed enough to build a network on.
bool spaceIsSane(const Space& s) {
  if (!quantumIsValid(s)) return false;
  if (s.kind == SpaceKind::Box) {
    if (s.low.empty() || s.low.size() != s.high.size() || !s.counts.empty() || s.low.size() > kMaxDims) return false;
    for (size_t i = 0; i < s.low.size(); ++i)
      if (std::isnan(s.low[i]) || std::isnan(s.high[i]) || s.low[i] > s.high[i]) return false;
    return true;
  }
  if (s.counts.empty() || !s.low.empty() || !s.high.empty() || s.counts.size() > kMaxDims) return false;
  if (s.kind == SpaceKind::Discrete && s.counts.size() != 1) return false;
  for (int n : s.counts)
    if (n < 1 || n > static_cast<int>(kMaxDims)) return false;
  return true;
}

// Weights of the actor-critic for these shapes (as ActorCritic lays them out), computed in 64 bits
// so that absurd shapes from a damaged blob are refused before anything is allocated.
uint64_t networkParams(uint64_t obsDim, const Space& actionSpace, const std::vector<int>& hidden) {
  uint64_t head = 0;
  if (actionSpace.kind == SpaceKind::Box)
    head = actionSpace.low.size();
  else
    for (int n : actionSpace.counts) head += static_cast<uint64_t>(std::max(n, 0));
  auto mlp = [&](uint64_t outputs) {
    uint64_t params = 0, in = obsDim;
    for (int h : hidden) {
      params += in * static_cast<uint64_t>(h) + static_cast<uint64_t>(h);
      in = static_cast<uint64_t>(h);
    }
    return params + in * outputs + outputs;
  };
  // Every factor is at most 2^20 (spaceIsSane, kMaxDims), so no product overflows 64 bits.
  return mlp(head) + (actionSpace.kind == SpaceKind::Box ? head : 0) + mlp(1);
}

// The most weights a policy may have: 2^28 floats = 1 GiB (the largest config, 8 layers of 4096,
// has about 2^27).
constexpr uint64_t kMaxParams = uint64_t(1) << 28;

}  // namespace

Policy::Policy(Space observationSpace, Space actionSpace, PolicyArchitecture architecture, uint64_t initSeed)
    : observationSpace_(std::move(observationSpace)),
      actionSpace_(std::move(actionSpace)),
      architecture_(std::move(architecture)) {
  validate();
  model_ = ActorCritic(obsDim(), actionSpace_, architecture_.hiddenSizes, architecture_.activation);
  Rng rng(initSeed);
  model_.initialize(rng, architecture_.initLogStd);
  obsStats_ = RunningMeanStd(obsDim());
}

void Policy::validate() const {
  for (const auto& [space, name] :
       {std::pair{&observationSpace_, "observation"}, std::pair{&actionSpace_, "action"}})
    if (!quantumIsValid(*space))
      throw ConfigError(std::string("policy's ") + name +
                        " space has quantum " + std::to_string(space->quantum) +
                        ": it must be a finite number >= 0, and 0 unless the space is a Box");
  if (!spaceIsSane(observationSpace_))
    throw ConfigError("policy needs a non-empty observation space, got " + observationSpace_.describe());
  if (!spaceIsSane(actionSpace_))
    throw ConfigError("policy needs a non-empty action space, got " + actionSpace_.describe());
  for (int h : architecture_.hiddenSizes)
    if (h < 1) throw ConfigError("policy hidden layer sizes must be >= 1");
  if (actionSpace_.kind == SpaceKind::Box && architecture_.actionBounding == ActionBounding::Tanh)
    for (size_t i = 0; i < actionSpace_.low.size(); ++i)
      if (!std::isfinite(actionSpace_.low[i]) || !std::isfinite(actionSpace_.high[i]))
        throw ConfigError("action_bounding \"tanh\" needs finite action bounds, but the action space is " +
                          actionSpace_.describe());
  if (!(architecture_.observationClip > 0))
    throw ConfigError("policy observation clip must be > 0");
  if (architecture_.hiddenSizes.size() > 64)
    throw ConfigError("policy has " + std::to_string(architecture_.hiddenSizes.size()) +
                      " hidden layers, more than 64");
  const uint64_t params =
      networkParams(static_cast<uint64_t>(obsDim()), actionSpace_, architecture_.hiddenSizes);
  if (params > kMaxParams)
    throw ConfigError("policy network would have " + std::to_string(params) +
                      " weights, more than " + std::to_string(kMaxParams));
}

void Policy::normalizeObservations(const float* obs, int rows, float* out) const {
  const int d = obsDim();
  const size_t n = static_cast<size_t>(rows) * d;
  if (!architecture_.normalizeObservations) {
    std::copy(obs, obs + n, out);
    return;
  }
  const auto& mean = obsStats_.mean();
  const auto& var = obsStats_.var();
  const double clip = architecture_.observationClip;
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < d; ++j) {
      const size_t i = static_cast<size_t>(r) * d + j;
      const double z = (static_cast<double>(obs[i]) - mean[j]) / std::sqrt(var[j] + kObsEpsilon);
      out[i] = static_cast<float>(std::clamp(z, -clip, clip));
    }
}

void Policy::toEnvActions(const float* raw, int rows, float* env) const {
  const int d = actionDim();
  const size_t n = static_cast<size_t>(rows) * d;
  if (actionSpace_.kind != SpaceKind::Box) {
    std::copy(raw, raw + n, env);
    return;
  }
  const auto& lo = actionSpace_.low;
  const auto& hi = actionSpace_.high;
  for (size_t i = 0; i < n; ++i) {
    const int j = static_cast<int>(i % d);
    if (architecture_.actionBounding == ActionBounding::Clip)
      env[i] = std::clamp(raw[i], lo[j], hi[j]);
    else
      env[i] = lo[j] + (std::tanh(raw[i]) + 1.0f) * 0.5f * (hi[j] - lo[j]);
  }
  actionSpace_.quantize(std::span<float>(env, n));
}

void Policy::actWith(const float* obs, int rows, float* actionsForEnv,
                     const std::function<void(const ActorCritic::Workspace&, float*)>& choose) const {
  if (rows <= 0) return;
  MatrixR<float> x(rows, obsDim());
  normalizeObservations(obs, rows, x.data());
  ActorCritic::Workspace ws;
  model_.forward(x, ws, false);
  std::vector<float> raw(static_cast<size_t>(rows) * actionDim());
  choose(ws, raw.data());
  toEnvActions(raw.data(), rows, actionsForEnv);
}

void Policy::act(const float* obs, int rows, bool deterministic, Rng& rng, float* actionsForEnv) const {
  actWith(obs, rows, actionsForEnv, [&](const ActorCritic::Workspace& ws, float* raw) {
    model_.sample(ws, rng, deterministic, raw, nullptr);
  });
}

void Policy::actSampling(const float* obs, int rows, Rng* const* rngs, float* actionsForEnv) const {
  actWith(obs, rows, actionsForEnv, [&](const ActorCritic::Workspace& ws, float* raw) {
    model_.sampleRows(ws, rngs, raw);
  });
}

void Policy::values(const float* obs, int rows, float* out) const {
  if (rows <= 0) return;
  MatrixR<float> x(rows, obsDim());
  normalizeObservations(obs, rows, x.data());
  MlpT<float>::Workspace ws;
  model_.critic().forward(model_.params().data() + model_.criticOffset(), x, ws);
  for (int i = 0; i < rows; ++i) out[i] = ws.output()(i, 0);
}

std::vector<uint8_t> Policy::serialize() const {
  const uint32_t version =
      observationSpace_.quantum != 0.0f || actionSpace_.quantum != 0.0f ? kFormatVersion : 1;
  ByteWriter p;
  putSpace(p, observationSpace_, version);
  putSpace(p, actionSpace_, version);
  p.putArray(architecture_.hiddenSizes.data(), architecture_.hiddenSizes.size());
  p.put<uint8_t>(static_cast<uint8_t>(architecture_.activation));
  p.put<uint8_t>(static_cast<uint8_t>(architecture_.actionBounding));
  p.put<double>(architecture_.initLogStd);
  p.put<uint8_t>(architecture_.normalizeObservations ? 1 : 0);
  p.put<double>(architecture_.observationClip);
  p.putArray(obsStats_.mean().data(), obsStats_.mean().size());
  p.putArray(obsStats_.var().data(), obsStats_.var().size());
  p.put<double>(obsStats_.count());
  p.putArray(model_.params().data(), static_cast<size_t>(model_.params().size()));

  ByteWriter out;
  out.putRaw(kMagic, sizeof(kMagic));
  out.put<uint32_t>(version);
  out.put<uint64_t>(p.bytes.size());
  out.put<uint64_t>(hashBytes(p.bytes.data(), p.bytes.size()));
  out.putRaw(p.bytes.data(), p.bytes.size());
  return out.bytes;
}

Policy Policy::deserialize(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw StoreError("not a Palaestra policy (bad magic or too short: " + std::to_string(bytes.size()) + " bytes)");
  ByteReader header(bytes.subspan(8, kHeaderSize - 8));
  const auto version = header.get<uint32_t>("version");
  if (version < 1 || version > kFormatVersion)
    throw StoreError("policy format version " + std::to_string(version) + " is not supported (expected 1 to " +
                     std::to_string(kFormatVersion) + ")");
  const auto size = header.get<uint64_t>("payload size");
  const auto hash = header.get<uint64_t>("payload hash");
  const auto payload = bytes.subspan(kHeaderSize);
  if (payload.size() != size)
    throw StoreError("policy data is truncated or padded: payload has " + std::to_string(payload.size()) +
                     " bytes, header says " + std::to_string(size));
  if (hashBytes(payload.data(), payload.size()) != hash)
    throw StoreError("policy data is corrupt: checksum mismatch");

  ByteReader r(payload);
  Policy p;
  p.observationSpace_ = getSpace(r, "observation space", version);
  p.actionSpace_ = getSpace(r, "action space", version);
  if (!spaceIsSane(p.observationSpace_) || !spaceIsSane(p.actionSpace_))
    throw StoreError("policy data is corrupt: malformed spaces");
  PolicyArchitecture& a = p.architecture_;
  a.hiddenSizes = r.getArray<int>("hidden sizes");
  for (int h : a.hiddenSizes)
    if (h < 1 || h > static_cast<int>(kMaxDims)) throw StoreError("policy data is corrupt: bad hidden layer size");
  const auto activation = r.get<uint8_t>("activation");
  const auto bounding = r.get<uint8_t>("action bounding");
  if (activation > 1 || bounding > 1) throw StoreError("policy data is corrupt: unknown activation or bounding");
  a.activation = static_cast<Activation>(activation);
  a.actionBounding = static_cast<ActionBounding>(bounding);
  a.initLogStd = r.get<double>("init log std");
  // Only 0 and 1: one policy has one encoding (a byte of 3 read as true would reserialize as 1).
  const auto normalize = r.get<uint8_t>("normalize flag");
  if (normalize > 1)
    throw StoreError("policy data is corrupt: normalize flag is " + std::to_string(normalize));
  a.normalizeObservations = normalize == 1;
  a.observationClip = r.get<double>("observation clip");
  auto mean = r.getArray<double>("observation mean");
  auto var = r.getArray<double>("observation variance");
  const double count = r.get<double>("observation count");
  auto params = r.getArray<float>("weights");
  if (!r.atEnd()) throw StoreError("policy data is corrupt: trailing bytes");
  try {
    p.validate();
  } catch (const ConfigError& e) {
    throw StoreError(std::string("policy data is corrupt: ") + e.what());
  }
  // Checked before the network is built: the shapes alone must not allocate what the data lacks.
  const uint64_t expected =
      networkParams(static_cast<uint64_t>(p.obsDim()), p.actionSpace_, a.hiddenSizes);
  if (params.size() != expected)
    throw StoreError("policy data is corrupt: " + std::to_string(params.size()) +
                     " weights for a network of " + std::to_string(expected));
  p.model_ = ActorCritic(p.obsDim(), p.actionSpace_, a.hiddenSizes, a.activation);
  if (static_cast<int>(mean.size()) != p.obsDim() || static_cast<int>(var.size()) != p.obsDim())
    throw StoreError("policy data is corrupt: observation statistics have the wrong width");
  p.model_.params() = Eigen::Map<const VectorX<float>>(params.data(), static_cast<Eigen::Index>(params.size()));
  p.obsStats_ = RunningMeanStd(p.obsDim());
  p.obsStats_.setState(std::move(mean), std::move(var), count);
  return p;
}

}  // namespace palaestra
