// Policy bytes that pass the checksum but were crafted or damaged before it was computed (what the
// policy fuzz target produces): a flag byte other than 0/1 is refused (one policy, one encoding),
// and network shapes that would need terabytes are refused from their sizes before anything is
// allocated. Found by ./dev fuzz; the inputs are kept in tests/fuzz/seeds/policy.
#include <QtTest>

#include <algorithm>
#include <cstring>

#include "fuzz/FuzzSupport.h"
#include "rl/Policy.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

// The payload of a serialized policy (behind the 28-byte header).
std::vector<uint8_t> payloadOf(const Policy& policy) {
  const std::vector<uint8_t> bytes = policy.serialize();
  return {bytes.begin() + 28, bytes.end()};
}

// Offset of the hidden-size array {64, 64} (count, then the sizes) in a payload.
size_t hiddenSizesAt(const std::vector<uint8_t>& payload) {
  const uint32_t pattern[3] = {2, 64, 64};
  uint8_t needle[12];
  std::memcpy(needle, pattern, sizeof needle);
  const auto it = std::search(payload.begin(), payload.end(), needle, needle + 12);
  return it == payload.end() ? 0 : static_cast<size_t>(it - payload.begin());
}

QString decodeError(const std::vector<uint8_t>& payload) {
  try {
    Policy::deserialize(fuzzing::policyWithValidHeader(payload));
  } catch (const StoreError& e) {
    return QString::fromUtf8(e.what());
  }
  return QStringLiteral("(accepted)");
}

}  // namespace

class TestPolicyDecoding : public QObject {
  Q_OBJECT
  const Policy policy_{Space::box(3, -1.0f, 1.0f), Space::discrete(4), PolicyArchitecture{}, 1};

 private slots:
  void validHeaderHelperMatchesSerialize() {
    QVERIFY(fuzzing::policyWithValidHeader(payloadOf(policy_)) == policy_.serialize());
  }

  void flagBytesOtherThanZeroOrOneAreRefused() {
    std::vector<uint8_t> payload = payloadOf(policy_);
    const size_t hidden = hiddenSizesAt(payload);
    QVERIFY(hidden > 0);
    // After the sizes: activation (1), bounding (1), initial log std (8), then the flag.
    const size_t flag = hidden + 12 + 1 + 1 + 8;
    QCOMPARE(payload[flag], uint8_t{1});
    payload[flag] = 3;  // was read as true and written back as 1
    QCOMPARE(decodeError(payload), QString("policy data is corrupt: normalize flag is 3"));
  }

  void absurdNetworkShapesAreRefusedBeforeAllocating() {
    std::vector<uint8_t> payload = payloadOf(policy_);
    const size_t hidden = hiddenSizesAt(payload);
    QVERIFY(hidden > 0);
    // Two hidden layers of 2^20: about 2^40 weights (4 TiB) for the few bytes stored.
    const uint32_t huge = 1u << 20;
    std::memcpy(payload.data() + hidden + 4, &huge, 4);
    std::memcpy(payload.data() + hidden + 8, &huge, 4);
    QElapsedTimer clock;
    clock.start();
    const QString error = decodeError(payload);
    QVERIFY2(error.contains("policy data is corrupt") && error.contains("weights"),
             qPrintable(error));
    QVERIFY(clock.elapsed() < 1000);
  }
};

QTEST_GUILESS_MAIN(TestPolicyDecoding)
#include "TestPolicyDecoding.moc"
