#include "walker/WalkerEnv.h"

#include <box2d/box2d.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

#include "util/Hash.h"
#include "util/Rng.h"
#include "util/SnapshotBytes.h"
#include "walker/WalkerPresets.h"

namespace palaestra {

using namespace walker;

namespace {

constexpr double kLidarRange = 160.0 / kScale;
constexpr float kTimeStep = 1.0f / kFps;
constexpr int kVelocityIterations = 6 * 30;
constexpr int kPositionIterations = 2 * 30;
constexpr uint16_t kTerrainCategory = 0x0001;
constexpr uint16_t kWalkerCategory = 0x0020;
// Body tags in b2BodyUserData::pointer, read by the contact listener.
constexpr uintptr_t kTerrainTag = 0;
constexpr uintptr_t kHullTag = 1;
constexpr uintptr_t kShinTagBase = 2;  // shin of leg k: kShinTagBase + k

// Direction of lidar ray i (Gymnasium: sin/cos of 1.5 * i / 10 from straight down).
struct LidarDirections {
  std::array<double, WalkerEnv::kLidarRays> dx{}, dy{};
  LidarDirections() {
    for (int i = 0; i < WalkerEnv::kLidarRays; ++i) {
      dx[i] = std::sin(1.5 * i / 10.0) * kLidarRange;
      dy[i] = -std::cos(1.5 * i / 10.0) * kLidarRange;
    }
  }
};
const LidarDirections& lidarDirections() {
  static const LidarDirections directions;
  return directions;
}

Rgba rgb255(int r, int g, int b) { return {r / 255.0f, g / 255.0f, b / 255.0f, 1.0f}; }

constexpr uint32_t kSnapshotMagic = 0x324b5757;  // "WWK2": v1 had no physics version byte

}  // namespace

// The Box2D side of an episode. It is also the contact listener, which keeps
// Gymnasium's flags up to date during b2World::Step: any hull contact ends
// the game; a shin's flag is set on BeginContact and cleared on EndContact.
struct WalkerEnv::Physics : public b2ContactListener {
  // A terrain fixture's shape with its bounds, for the lidar's own ray casts.
  struct TerrainShape {
    const b2Shape* shape;
    float minX, maxX, minY, maxY;
  };

  std::unique_ptr<b2World> world;
  b2Body* terrain = nullptr;
  b2Body* hull = nullptr;
  std::vector<b2Body*> dynamicBodies;    // hull, then thigh and shin of each leg
  std::vector<b2Body*> thighs, shins;    // per leg
  std::vector<b2RevoluteJoint*> joints;  // per leg: hip, knee (= action order)
  std::vector<float> jointSpeeds;        // full motor speed per joint
  bool gameOver = false;
  std::vector<uint8_t> shinContact;      // per leg
  std::vector<TerrainShape> terrainShapes;  // sorted by minX
  std::vector<float> terrainPrefixMaxX;     // running max of maxX over terrainShapes

  void BeginContact(b2Contact* contact) override { mark(contact, true); }
  void EndContact(b2Contact* contact) override { mark(contact, false); }

  void mark(b2Contact* contact, bool touching) {
    const uintptr_t tags[2] = {contact->GetFixtureA()->GetBody()->GetUserData().pointer,
                               contact->GetFixtureB()->GetBody()->GetUserData().pointer};
    for (uintptr_t tag : tags) {
      if (tag == kHullTag && touching) gameOver = true;
      if (tag >= kShinTagBase) shinContact[tag - kShinTagBase] = touching ? 1 : 0;
    }
  }

  // Closest terrain hit along p1 -> p2 as a fraction of the ray (1 if none).
  // Same result as b2World::RayCast with Gymnasium's callback (which ignores
  // non-terrain fixtures and clips to the closest hit): every terrain shape
  // the segment can touch is cast with the same b2RayCastInput, but the
  // walker's own fixtures are never visited.
  float castTerrain(const b2Vec2& p1, const b2Vec2& p2) const {
    b2RayCastInput input;
    input.p1 = p1;
    input.p2 = p2;
    input.maxFraction = 1.0f;
    const float rayMinX = std::min(p1.x, p2.x), rayMaxX = std::max(p1.x, p2.x);
    const float rayMinY = std::min(p1.y, p2.y), rayMaxY = std::max(p1.y, p2.y);
    const b2Transform& xf = terrain->GetTransform();
    auto first = std::lower_bound(terrainPrefixMaxX.begin(), terrainPrefixMaxX.end(), rayMinX);
    for (size_t i = static_cast<size_t>(first - terrainPrefixMaxX.begin());
         i < terrainShapes.size(); ++i) {
      const TerrainShape& t = terrainShapes[i];
      if (t.minX > rayMaxX) break;
      if (t.maxX < rayMinX || t.maxY < rayMinY || t.minY > rayMaxY) continue;
      b2RayCastOutput output;
      if (t.shape->RayCast(&output, input, xf, 0) && output.fraction < input.maxFraction)
        input.maxFraction = output.fraction;
    }
    return input.maxFraction;
  }
};

WalkerEnv::WalkerEnv(const WalkerConfig& config)
    : config_(config), embodiment_(embodimentByName(config.embodiment)),
      physics_(std::make_unique<Physics>()) {
  spec_.name = "walker";
  const int legs = embodiment_.numLegs();
  const float inf = std::numeric_limits<float>::infinity();
  // Hull values, joint angles and speeds are unbounded (joint limits are soft
  // in Box2D); contact flags and lidar fractions lie in [0, 1].
  std::vector<float> low(embodiment_.observationSize(), -inf);
  std::vector<float> high(embodiment_.observationSize(), inf);
  for (int leg = 0; leg < legs; ++leg) low[4 + 5 * leg + 4] = 0, high[4 + 5 * leg + 4] = 1;
  for (int i = 0; i < kLidarRays; ++i) low[4 + 5 * legs + i] = 0, high[4 + 5 * legs + i] = 1;
  spec_.observationSpace = Space::box(low, high);
  spec_.actionSpace = Space::box(embodiment_.numMotors(), -1.0f, 1.0f);
  spec_.numAgents = 1;
  spec_.policySlotOfAgent = {0};
  spec_.policySlots = {"walker"};
  switch (config_.terrain) {
    case TerrainKind::Normal: spec_.maxEpisodeSteps = 1600; break;
    case TerrainKind::Hardcore: spec_.maxEpisodeSteps = 2000; break;
    case TerrainKind::StumpTracks:
      spec_.maxEpisodeSteps = 2000;
      spec_.tasks = TaskSpace(
          {{"stump_height", 0.0, 3.0, 1.0, false,
            "mean stump height in terrain steps (each stump ~ N(mean, 0.1), at least 0.05)"},
           {"obstacle_spacing", 0.0, 6.0, 3.0, false, "gap between stumps in metres"}});
      break;
  }
  spec_.successReturn = 230.0;
  spec_.secondsPerStep = 1.0 / kFps;
  // Measured 270-345 KiB per env (Box2D world, terrain, the reserved action log; conformance test).
  spec_.memoryBytes = 400.0 * 1024;
  // Joint motors are shown at first: they say where the legs bend, which the bodies alone hide.
  spec_.overlayLayers = {{kLidarLayer, "Lidar rays", false},
                         {kContactsLayer, "Contacts", false},
                         {kJointsLayer, "Joint motors", true}};
  observation_.assign(embodiment_.observationSize(), 0.0f);
  actionLog_.reserve(static_cast<size_t>(spec_.maxEpisodeSteps) * embodiment_.numMotors());
}

WalkerEnv::~WalkerEnv() = default;

void WalkerEnv::buildWorld(Rng& rng) {
  Physics& ph = *physics_;
  ph.world.reset();  // a fresh world per episode: nothing carries over
  ph.world = std::make_unique<b2World>(b2Vec2(0.0f, -10.0f));
  ph.world->SetContactListener(&ph);
  ph.dynamicBodies.clear();
  ph.thighs.clear();
  ph.shins.clear();
  ph.joints.clear();
  ph.jointSpeeds.clear();
  ph.terrainShapes.clear();
  ph.terrainPrefixMaxX.clear();
  ph.gameOver = false;
  ph.shinContact.assign(embodiment_.numLegs(), 0);

  // Terrain: one static body; obstacles are polygons, the ground is two-sided edges.
  b2BodyDef terrainDef;
  terrainDef.userData.pointer = kTerrainTag;
  ph.terrain = ph.world->CreateBody(&terrainDef);
  b2FixtureDef fd;
  fd.friction = static_cast<float>(kTerrainFriction);
  fd.filter.categoryBits = kTerrainCategory;
  for (const auto& poly : terrain_.obstacles) {
    b2Vec2 points[b2_maxPolygonVertices];
    const int n = static_cast<int>(poly.size());
    for (int i = 0; i < n; ++i)
      points[i].Set(static_cast<float>(poly[i].x), static_cast<float>(poly[i].y));
    b2PolygonShape shape;
    shape.Set(points, n);
    fd.shape = &shape;
    ph.terrain->CreateFixture(&fd);
  }
  for (size_t i = 0; i + 1 < terrain_.ground.size(); ++i) {
    const auto& a = terrain_.ground[i];
    const auto& b = terrain_.ground[i + 1];
    b2EdgeShape shape;
    shape.SetTwoSided(b2Vec2(static_cast<float>(a.x), static_cast<float>(a.y)),
                      b2Vec2(static_cast<float>(b.x), static_cast<float>(b.y)));
    fd.shape = &shape;
    ph.terrain->CreateFixture(&fd);
  }
  for (const b2Fixture* f = ph.terrain->GetFixtureList(); f; f = f->GetNext()) {
    b2AABB box;
    f->GetShape()->ComputeAABB(&box, ph.terrain->GetTransform(), 0);
    ph.terrainShapes.push_back(
        {f->GetShape(), box.lowerBound.x, box.upperBound.x, box.lowerBound.y, box.upperBound.y});
  }
  std::sort(ph.terrainShapes.begin(), ph.terrainShapes.end(),
            [](const auto& a, const auto& b) { return a.minX < b.minX; });
  float runningMax = -std::numeric_limits<float>::infinity();
  for (const auto& t : ph.terrainShapes) {
    runningMax = std::max(runningMax, t.maxX);
    ph.terrainPrefixMaxX.push_back(runningMax);
  }

  // The walker.
  const WalkerEmbodiment& e = embodiment_;
  const double initX = terrain_.spawnX;
  const double initY = kTerrainHeight + e.spawnHeight;
  b2BodyDef hullDef;
  hullDef.type = b2_dynamicBody;
  hullDef.position.Set(static_cast<float>(initX), static_cast<float>(initY));
  hullDef.userData.pointer = kHullTag;
  ph.hull = ph.world->CreateBody(&hullDef);
  {
    b2Vec2 points[b2_maxPolygonVertices];
    const int n = static_cast<int>(e.hullPolygon.size());
    for (int i = 0; i < n; ++i)
      points[i].Set(static_cast<float>(e.hullPolygon[i].first / kScale),
                    static_cast<float>(e.hullPolygon[i].second / kScale));
    b2PolygonShape shape;
    shape.Set(points, n);
    b2FixtureDef hullFd;
    hullFd.shape = &shape;
    hullFd.density = static_cast<float>(e.hullDensity);
    hullFd.friction = static_cast<float>(e.hullFriction);
    hullFd.restitution = 0.0f;
    hullFd.filter.categoryBits = kWalkerCategory;
    hullFd.filter.maskBits = kTerrainCategory;  // the walker's parts never touch each other
    ph.hull->CreateFixture(&hullFd);
  }
  ph.hull->ApplyForceToCenter(
      b2Vec2(static_cast<float>(rng.uniform(-kInitialRandomForce, kInitialRandomForce)), 0.0f),
      true);
  ph.dynamicBodies.push_back(ph.hull);

  const float legW = static_cast<float>(e.legWidth), legH = static_cast<float>(e.legHeight);
  b2PolygonShape thighShape, shinShape;
  thighShape.SetAsBox(legW / 2, legH / 2);
  shinShape.SetAsBox(static_cast<float>(e.shinWidthFactor) * legW / 2, legH / 2);
  auto legFixture = [&](const b2Shape* shape) {
    b2FixtureDef legFd;
    legFd.shape = shape;
    legFd.density = static_cast<float>(e.legDensity);
    legFd.friction = static_cast<float>(e.legFriction);
    legFd.restitution = 0.0f;
    legFd.filter.categoryBits = kWalkerCategory;
    legFd.filter.maskBits = kTerrainCategory;
    return legFd;
  };
  for (double pairX : e.legPairX) {
    for (int side : {-1, +1}) {
      const int leg = static_cast<int>(ph.thighs.size());
      const double x = initX + pairX;
      b2BodyDef thighDef;
      thighDef.type = b2_dynamicBody;
      thighDef.position.Set(static_cast<float>(x),
                            static_cast<float>(initY + e.thighTopY - e.legHeight / 2));
      thighDef.angle = static_cast<float>(side * e.legTilt);
      b2Body* thigh = ph.world->CreateBody(&thighDef);
      const b2FixtureDef thighFd = legFixture(&thighShape);
      thigh->CreateFixture(&thighFd);

      b2RevoluteJointDef hip;
      hip.bodyA = ph.hull;
      hip.bodyB = thigh;
      hip.localAnchorA.Set(static_cast<float>(pairX), static_cast<float>(e.hipAnchorY));
      hip.localAnchorB.Set(0.0f, legH / 2);
      hip.enableMotor = true;
      hip.enableLimit = true;
      hip.maxMotorTorque = static_cast<float>(e.motorTorque);
      hip.motorSpeed = static_cast<float>(side);
      hip.lowerAngle = static_cast<float>(kHipLowerAngle);
      hip.upperAngle = static_cast<float>(kHipUpperAngle);
      // Physics v2: the reference angle is the bodies' angle difference at creation, as pybox2d's
      // revoluteJointDef sets it when not given (Gymnasium, TeachMyAgent) and EnvPool sets it
      // explicitly, so the hip angle and its limits are measured from the spawn pose. v1 left it
      // 0, which shifted the classic walker's hips by its +-0.05 rad leg tilt.
      if (config_.physicsVersion >= 2) hip.referenceAngle = thigh->GetAngle() - ph.hull->GetAngle();
      ph.joints.push_back(static_cast<b2RevoluteJoint*>(ph.world->CreateJoint(&hip)));
      ph.jointSpeeds.push_back(static_cast<float>(kSpeedHip));

      b2BodyDef shinDef;
      shinDef.type = b2_dynamicBody;
      shinDef.position.Set(static_cast<float>(x),
                           static_cast<float>(initY + e.thighTopY - e.legHeight * 3 / 2));
      shinDef.angle = static_cast<float>(side * e.legTilt);
      shinDef.userData.pointer = kShinTagBase + static_cast<uintptr_t>(leg);
      b2Body* shin = ph.world->CreateBody(&shinDef);
      const b2FixtureDef shinFd = legFixture(&shinShape);
      shin->CreateFixture(&shinFd);

      b2RevoluteJointDef knee;
      knee.bodyA = thigh;
      knee.bodyB = shin;
      knee.localAnchorA.Set(0.0f, -legH / 2);
      knee.localAnchorB.Set(0.0f, legH / 2);
      knee.enableMotor = true;
      knee.enableLimit = true;
      knee.maxMotorTorque = static_cast<float>(e.motorTorque);
      knee.motorSpeed = 1.0f;
      knee.lowerAngle = static_cast<float>(kKneeLowerAngle);
      knee.upperAngle = static_cast<float>(kKneeUpperAngle);
      // Thigh and shin spawn with the same tilt, so this is 0 in every embodiment, as in Gymnasium.
      if (config_.physicsVersion >= 2) knee.referenceAngle = shin->GetAngle() - thigh->GetAngle();
      ph.joints.push_back(static_cast<b2RevoluteJoint*>(ph.world->CreateJoint(&knee)));
      ph.jointSpeeds.push_back(static_cast<float>(kSpeedKnee));

      ph.thighs.push_back(thigh);
      ph.shins.push_back(shin);
      ph.dynamicBodies.push_back(thigh);
      ph.dynamicBodies.push_back(shin);
    }
  }
}

void WalkerEnv::reset(uint64_t seed, const TaskValues& task) {
  spec_.tasks.validate(task);
  Rng rng(seed);
  switch (config_.terrain) {
    case TerrainKind::Normal: terrain_ = generateGymnasiumTerrain(false, rng); break;
    case TerrainKind::Hardcore: terrain_ = generateGymnasiumTerrain(true, rng); break;
    case TerrainKind::StumpTracks:
      terrain_ = generateStumpTracks({task[0], task[1]}, rng);
      break;
  }
  buildWorld(rng);
  seed_ = seed;
  task_ = task;
  hasEpisode_ = true;
  steps_ = 0;
  return_ = 0.0;
  outcome_ = Outcome::Running;
  actionLog_.clear();
  // Gymnasium's reset ends with step(zeros): one physics step with the motors
  // off whose observation is the first one and whose shaping is the baseline.
  const std::vector<float> zeros(embodiment_.numMotors(), 0.0f);
  applyMotors(zeros.data());
  physics_->world->Step(kTimeStep, kVelocityIterations, kPositionIterations);
  sense();
  prevShaping_ = shaping();
}

void WalkerEnv::applyMotors(const float* actions) {
  Physics& ph = *physics_;
  const float torque = static_cast<float>(embodiment_.motorTorque);
  for (size_t j = 0; j < ph.joints.size(); ++j) {
    const float a = actions[j];
    if (!std::isfinite(a))
      throw std::invalid_argument("walker action " + std::to_string(j) + " is not finite");
    const float sign = a > 0 ? 1.0f : (a < 0 ? -1.0f : 0.0f);
    ph.joints[j]->SetMotorSpeed(ph.jointSpeeds[j] * sign);
    ph.joints[j]->SetMaxMotorTorque(torque * std::min(std::fabs(a), 1.0f));
  }
}

void WalkerEnv::advance(const float* actions) {
  if (!hasEpisode_) throw std::logic_error("walker: step() before reset()");
  if (outcome_ != Outcome::Running)
    throw std::logic_error("walker: step() after the episode ended; call reset() first");
  applyMotors(actions);
  physics_->world->Step(kTimeStep, kVelocityIterations, kPositionIterations);
  ++steps_;
  actionLog_.insert(actionLog_.end(), actions, actions + embodiment_.numMotors());
}

void WalkerEnv::stepPhysicsOnly(const float* actions) { advance(actions); }

void WalkerEnv::sense() {
  const Physics& ph = *physics_;
  const b2Vec2 pos = ph.hull->GetPosition();
  const b2Vec2 vel = ph.hull->GetLinearVelocity();
  const LidarDirections& dir = lidarDirections();
  for (int i = 0; i < kLidarRays; ++i) {
    const b2Vec2 end(static_cast<float>(pos.x + dir.dx[i]), static_cast<float>(pos.y + dir.dy[i]));
    const float f = ph.castTerrain(pos, end);
    lidarFraction_[i] = f;
    lidarEnd_[i] = {(1.0f - f) * pos.x + f * end.x, (1.0f - f) * pos.y + f * end.y};
  }
  float* o = observation_.data();
  o[0] = ph.hull->GetAngle();
  o[1] = static_cast<float>(2.0 * ph.hull->GetAngularVelocity() / kFps);
  o[2] = static_cast<float>(0.3 * vel.x * (kViewportW / kScale) / kFps);
  o[3] = static_cast<float>(0.3 * vel.y * (kViewportH / kScale) / kFps);
  const int legs = embodiment_.numLegs();
  for (int leg = 0; leg < legs; ++leg) {
    const b2RevoluteJoint* hip = ph.joints[2 * leg];
    const b2RevoluteJoint* knee = ph.joints[2 * leg + 1];
    float* l = o + 4 + 5 * leg;
    l[0] = hip->GetJointAngle();
    l[1] = static_cast<float>(hip->GetJointSpeed() / kSpeedHip);
    l[2] = static_cast<float>(knee->GetJointAngle() + 1.0);
    l[3] = static_cast<float>(knee->GetJointSpeed() / kSpeedKnee);
    l[4] = ph.shinContact[leg] ? 1.0f : 0.0f;
  }
  std::copy(lidarFraction_.begin(), lidarFraction_.end(), o + 4 + 5 * legs);
}

double WalkerEnv::shaping() const {
  const b2Body* hull = physics_->hull;
  // Moving forward earns 130 per SCALE of progress (about 300 over the track);
  // a tilted hull costs 5 per radian.
  return 130.0 * hull->GetPosition().x / kScale - 5.0 * std::fabs(static_cast<double>(observation_[0]));
}

StepStatus WalkerEnv::step(const float* actions, float* rewards) {
  advance(actions);
  sense();
  const double current = shaping();
  double reward = current - prevShaping_;
  prevShaping_ = current;
  const double costPerUnit = embodiment_.torquePenalty * kReferenceTorque;
  for (int j = 0; j < embodiment_.numMotors(); ++j)
    reward -= costPerUnit * std::min(std::fabs(static_cast<double>(actions[j])), 1.0);

  StepStatus status;
  const double x = physics_->hull->GetPosition().x;
  if (physics_->gameOver || x < 0) {
    reward = -100.0;
    status.terminated = true;
    outcome_ = Outcome::Fell;
  }
  if (x > terrain_.finishX) {
    status.terminated = true;
    if (outcome_ == Outcome::Running) outcome_ = Outcome::Finished;
  }
  if (!status.terminated && steps_ >= spec_.maxEpisodeSteps) {
    status.truncated = true;
    outcome_ = Outcome::Timeout;
  }
  rewards[0] = static_cast<float>(reward);
  return_ += static_cast<double>(rewards[0]);
  return status;
}

void WalkerEnv::observe(float* out) const {
  std::copy(observation_.begin(), observation_.end(), out);
}

Vec2f WalkerEnv::hullPosition() const {
  const b2Vec2 p = physics_->hull->GetPosition();
  return {p.x, p.y};
}

float WalkerEnv::hullAngle() const { return physics_->hull->GetAngle(); }

uint64_t WalkerEnv::stateHash() const {
  StateHasher h;
  if (!hasEpisode_) return h.value();
  const Physics& ph = *physics_;
  for (const b2Body* b : ph.dynamicBodies) {
    const b2Vec2 p = b->GetPosition();
    const b2Vec2 v = b->GetLinearVelocity();
    h.add(p.x);
    h.add(p.y);
    h.add(b->GetAngle());
    h.add(v.x);
    h.add(v.y);
    h.add(b->GetAngularVelocity());
  }
  for (const b2RevoluteJoint* j : ph.joints) {
    h.add(j->GetMotorSpeed());
    h.add(j->GetMaxMotorTorque());
  }
  // v2 hashes also cover the joints' reference angles and the version, so a replay on the other
  // physics differs at once; v1 hashes stay exactly what v1 stored.
  if (config_.physicsVersion >= 2) {
    for (const b2RevoluteJoint* j : ph.joints) h.add(j->GetReferenceAngle());
    h.add(static_cast<int32_t>(config_.physicsVersion));
  }
  for (uint8_t c : ph.shinContact) h.add(c);
  h.add(static_cast<uint8_t>(ph.gameOver));
  h.add(static_cast<int32_t>(steps_));
  return h.value();
}

std::vector<uint8_t> WalkerEnv::snapshot() const {
  if (!hasEpisode_) throw std::logic_error("walker: snapshot() before reset()");
  std::vector<uint8_t> out;
  out.reserve(64 + task_.size() * 8 + actionLog_.size() * 4);
  snapshotPut(out, kSnapshotMagic);
  snapshotPut(out, static_cast<uint8_t>(config_.terrain));
  const auto& names = embodimentNames();
  const auto embodimentIndex =
      std::find(names.begin(), names.end(), config_.embodiment) - names.begin();
  snapshotPut(out, static_cast<uint8_t>(embodimentIndex));
  snapshotPut(out, static_cast<uint8_t>(config_.physicsVersion));
  snapshotPut(out, seed_);
  snapshotPut(out, static_cast<uint32_t>(task_.size()));
  for (double v : task_) snapshotPut(out, v);
  snapshotPut(out, static_cast<uint32_t>(steps_));
  for (float a : actionLog_) snapshotPut(out, a);
  return out;
}

void WalkerEnv::restore(std::span<const uint8_t> data) {
  SnapshotReader in(data, "walker snapshot");
  if (in.take<uint32_t>() != kSnapshotMagic)
    throw std::invalid_argument("not a walker snapshot");
  const auto terrain = in.take<uint8_t>();
  const auto embodimentIndex = in.take<uint8_t>();
  const auto physicsVersion = in.take<uint8_t>();
  const auto& names = embodimentNames();
  if (terrain != static_cast<uint8_t>(config_.terrain) || embodimentIndex >= names.size() ||
      names[embodimentIndex] != config_.embodiment ||
      physicsVersion != static_cast<uint8_t>(config_.physicsVersion))
    throw std::invalid_argument(
        "walker snapshot was taken with another terrain, embodiment or physics version (" +
        config_.toJson().dump() + " expected)");
  const auto seed = in.take<uint64_t>();
  const auto taskSize = in.take<uint32_t>();
  if (taskSize > 64) throw std::invalid_argument("walker snapshot is malformed (task size)");
  TaskValues task(taskSize);
  for (auto& v : task) v = in.take<double>();
  const auto steps = in.take<uint32_t>();
  const size_t motors = static_cast<size_t>(embodiment_.numMotors());
  if (in.rest().size() != static_cast<size_t>(steps) * motors * sizeof(float) ||
      steps > static_cast<uint32_t>(spec_.maxEpisodeSteps))
    throw std::invalid_argument("walker snapshot is malformed (action log length)");
  std::vector<float> actions(static_cast<size_t>(steps) * motors);
  // memcpy from an empty span's null data is undefined even for zero bytes (UBSan: nonnull).
  if (!actions.empty()) std::memcpy(actions.data(), in.rest().data(), actions.size() * sizeof(float));
  reset(seed, task);
  float reward = 0;
  for (uint32_t t = 0; t < steps; ++t) step(actions.data() + t * motors, &reward);
}

void WalkerEnv::describe(Scene& scene) const {
  scene.background = rgb255(215, 215, 255);
  scene.viewWidth = static_cast<float>(kViewportW / kScale);
  if (!hasEpisode_) return;
  const Physics& ph = *physics_;

  // Terrain: earth under each ground segment, grass edges on top, white obstacles. The earth
  // reaches far below the lowest ground (pits stay above y = 0), and flat ground continues past
  // both ends of the terrain, so that no view, however tall or zoomed out, shows the ground as
  // a slab floating in the sky.
  constexpr float kEarthBottom = -1000.0f;
  constexpr float kEarthBeyondEnds = 1000.0f;
  const Rgba earth = rgb255(102, 153, 76);
  if (!terrain_.ground.empty()) {
    const auto& first = terrain_.ground.front();
    const auto& last = terrain_.ground.back();
    for (const auto& [x0, x1, y] : {std::tuple{first.x - kEarthBeyondEnds, first.x, first.y},
                                    std::tuple{last.x, last.x + kEarthBeyondEnds, last.y}}) {
      ScenePolygon beyond;
      beyond.points = {{static_cast<float>(x0), static_cast<float>(y)},
                       {static_cast<float>(x1), static_cast<float>(y)},
                       {static_cast<float>(x1), kEarthBottom},
                       {static_cast<float>(x0), kEarthBottom}};
      beyond.fill = earth;
      beyond.outline = earth;
      scene.polygons.push_back(std::move(beyond));
    }
  }
  for (size_t i = 0; i + 1 < terrain_.ground.size(); ++i) {
    const auto& a = terrain_.ground[i];
    const auto& b = terrain_.ground[i + 1];
    const Vec2f top0{static_cast<float>(a.x), static_cast<float>(a.y)};
    const Vec2f top1{static_cast<float>(b.x), static_cast<float>(b.y)};
    ScenePolygon poly;
    poly.points = {top0, top1, {top1.x, kEarthBottom}, {top0.x, kEarthBottom}};
    poly.fill = earth;
    poly.outline = earth;
    scene.polygons.push_back(std::move(poly));
    SceneLine grass;
    grass.points = {top0, top1};
    grass.color = rgb255(76, i % 2 == 0 ? 255 : 204, 76);
    grass.width = 2.0f;
    scene.lines.push_back(std::move(grass));
  }
  for (const auto& obstacle : terrain_.obstacles) {
    ScenePolygon poly;
    for (const auto& p : obstacle)
      poly.points.push_back({static_cast<float>(p.x), static_cast<float>(p.y)});
    poly.fill = rgb255(255, 255, 255);
    poly.outline = rgb255(153, 153, 153);
    scene.polygons.push_back(std::move(poly));
  }
  // Start flag, as Gymnasium draws it.
  {
    const float flagX = static_cast<float>(kTerrainStep * 3);
    const float flagY1 = static_cast<float>(kTerrainHeight);
    const float flagY2 = flagY1 + static_cast<float>(50 / kScale);
    SceneLine pole;
    pole.points = {{flagX, flagY1}, {flagX, flagY2}};
    pole.color = rgb255(0, 0, 0);
    pole.width = 2.0f;
    scene.lines.push_back(std::move(pole));
    ScenePolygon flag;
    flag.points = {{flagX, flagY2},
                   {flagX, flagY2 - static_cast<float>(10 / kScale)},
                   {flagX + static_cast<float>(25 / kScale), flagY2 - static_cast<float>(5 / kScale)}};
    flag.fill = rgb255(230, 51, 0);
    flag.outline = rgb255(0, 0, 0);
    scene.polygons.push_back(std::move(flag));
  }

  auto addBody = [&](const b2Body* body, Rgba fill, Rgba outline) {
    for (const b2Fixture* f = body->GetFixtureList(); f; f = f->GetNext()) {
      const auto* shape = static_cast<const b2PolygonShape*>(f->GetShape());
      ScenePolygon poly;
      for (int i = 0; i < shape->m_count; ++i) {
        const b2Vec2 p = b2Mul(body->GetTransform(), shape->m_vertices[i]);
        poly.points.push_back({p.x, p.y});
      }
      poly.fill = fill;
      poly.outline = outline;
      scene.polygons.push_back(std::move(poly));
    }
  };
  // Legs of the far side (+1, darker as in Gymnasium) first, then the near side, then the hull.
  for (int side : {+1, -1}) {
    const Rgba fill = rgb255(153 - side * 25, 76 - side * 25, 127 - side * 25);
    const Rgba outline = rgb255(102 - side * 25, 51 - side * 25, 76 - side * 25);
    for (size_t leg = 0; leg < ph.thighs.size(); ++leg) {
      if ((leg % 2 == 0 ? -1 : +1) != side) continue;
      addBody(ph.thighs[leg], fill, outline);
      addBody(ph.shins[leg], fill, outline);
    }
  }
  addBody(ph.hull, rgb255(127, 51, 229), rgb255(76, 76, 127));

  for (const b2RevoluteJoint* j : ph.joints) {
    SceneCircle c;
    const b2Vec2 p = j->GetAnchorA();
    c.center = {p.x, p.y};
    c.radius = 0.06f;
    c.fill = rgb255(255, 255, 255);
    c.outline = rgb255(40, 40, 40);
    c.layer = kJointsLayer;
    scene.circles.push_back(c);
  }
  const b2Vec2 pos = ph.hull->GetPosition();
  for (int i = 0; i < kLidarRays; ++i) {
    SceneLine ray;
    ray.points = {{pos.x, pos.y}, lidarEnd_[i]};
    ray.color = rgb255(255, 0, 0);
    ray.width = 1.0f;
    ray.layer = kLidarLayer;
    scene.lines.push_back(std::move(ray));
  }
  for (b2Contact* c = const_cast<b2World&>(*ph.world).GetContactList(); c; c = c->GetNext()) {
    if (!c->IsTouching()) continue;
    b2WorldManifold manifold;
    c->GetWorldManifold(&manifold);
    for (int i = 0; i < c->GetManifold()->pointCount; ++i) {
      SceneCircle point;
      point.center = {manifold.points[i].x, manifold.points[i].y};
      point.radius = 0.05f;
      point.fill = rgb255(255, 200, 0);
      point.outline = rgb255(120, 60, 0);
      point.layer = kContactsLayer;
      scene.circles.push_back(point);
    }
  }
  scene.focus = {pos.x, pos.y};
}

EpisodeInfo WalkerEnv::episodeInfo() const {
  EpisodeInfo info;
  switch (outcome_) {
    case Outcome::Running: info.outcome = "running"; break;
    case Outcome::Fell: info.outcome = "fell"; break;
    case Outcome::Finished: info.outcome = "finished"; break;
    case Outcome::Timeout: info.outcome = "timeout"; break;
  }
  const double distance = hasEpisode_ ? physics_->hull->GetPosition().x - terrain_.spawnX : 0.0;
  info.values = {{"distance", distance},
                 {"return", return_},
                 {"success", return_ > spec_.successReturn ? 1.0 : 0.0},
                 {"steps", static_cast<double>(steps_)},
                 {kPhysicsVersionInfo, static_cast<double>(config_.physicsVersion)}};
  return info;
}

std::string WalkerEnv::replayProblem(const EpisodeInfo& recorded) const {
  // A record without any info says nothing (its hashes still decide). Walker episodes stored
  // before physics versions existed have info (distance, return, ...) but no version: v1.
  if (recorded.values.empty()) return {};
  int version = 1;
  for (const auto& [name, value] : recorded.values)
    if (name == kPhysicsVersionInfo) version = static_cast<int>(value);
  if (version == config_.physicsVersion) return {};
  return "episode recorded with walker physics v" + std::to_string(version) +
         ", but this env runs walker physics v" + std::to_string(config_.physicsVersion) +
         " (set env_config.physics_version to " + std::to_string(version) + " to replay it)";
}

EnvInfo walkerEnvInfo() {
  EnvInfo info;
  info.name = "walker";
  info.description =
      "Box2D walker: Gymnasium BipedalWalker-v3 (normal, hardcore) and TeachMyAgent Stump Tracks; "
      "embodiments classic_bipedal, small_bipedal, big_quadruped";
  info.create = [](const nlohmann::json& envConfig) -> EnvPtr {
    return std::make_unique<WalkerEnv>(WalkerConfig::fromJson(envConfig));
  };
  info.canonicalConfig = [](const nlohmann::json& envConfig) {
    return WalkerConfig::fromJson(envConfig).toJson();
  };
  info.presets = walkerPresets();
  info.defaultPreset = "default";
  info.configDocs = WalkerConfig::docs();
  return info;
}

}  // namespace palaestra
