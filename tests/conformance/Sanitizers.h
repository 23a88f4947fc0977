#pragma once
// Whether this test binary is built with AddressSanitizer (./dev test --sanitize): wall-clock
// limits written for the optimised build do not hold under its 2-5x slowdown, so tests keep
// their functional checks there and skip only the timing ones.

namespace palaestra::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

}  // namespace palaestra::testing
