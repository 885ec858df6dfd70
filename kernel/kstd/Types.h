// Basic types and the handful of <utility>/<type_traits> pieces the kernel
// needs. kernel/ is built with -nostdinc++, so these are our own.
#pragma once

#include <stddef.h>
#include <stdint.h>

// Provided by the platform (see husk/platform.h). noexcept matches the C
// library's declarations, so kernel headers also work in host-side tests.
extern "C" {
void* memcpy(void* dst, const void* src, size_t n) noexcept;
void* memmove(void* dst, const void* src, size_t n) noexcept;
void* memset(void* dst, int c, size_t n) noexcept;
int memcmp(const void* a, const void* b, size_t n) noexcept;
}

namespace kstd {

struct PlacementTag {};
inline constexpr PlacementTag placement {};

template<typename T> struct RemoveReference { using Type = T; };
template<typename T> struct RemoveReference<T&> { using Type = T; };
template<typename T> struct RemoveReference<T&&> { using Type = T; };
template<typename T> using RemoveReferenceT = typename RemoveReference<T>::Type;

template<typename T> struct RemoveCV { using Type = T; };
template<typename T> struct RemoveCV<const T> { using Type = T; };
template<typename T> struct RemoveCV<volatile T> { using Type = T; };
template<typename T> struct RemoveCV<const volatile T> { using Type = T; };

template<typename T>
constexpr RemoveReferenceT<T>&& move(T&& t) { return static_cast<RemoveReferenceT<T>&&>(t); }

template<typename T>
constexpr T&& forward(RemoveReferenceT<T>& t) { return static_cast<T&&>(t); }
template<typename T>
constexpr T&& forward(RemoveReferenceT<T>&& t) { return static_cast<T&&>(t); }

template<typename T>
constexpr void swap(T& a, T& b) { T t = move(a); a = move(b); b = move(t); }

template<typename T> constexpr T min(T a, T b) { return a < b ? a : b; }
template<typename T> constexpr T max(T a, T b) { return a < b ? b : a; }

template<typename A, typename B> inline constexpr bool IsSame = false;
template<typename A> inline constexpr bool IsSame<A, A> = true;

template<typename T> inline constexpr bool IsPointer = false;
template<typename T> inline constexpr bool IsPointer<T*> = true;

template<typename T> constexpr T align_up(T v, T a) { return (v + a - 1) & ~(a - 1); }
template<typename T> constexpr T align_down(T v, T a) { return v & ~(a - 1); }

// Index sequences for unpacking syscall arguments into typed handlers.
template<size_t... Is> struct IndexSequence {};
#if defined(__clang__)
template<typename T, T... Is> struct IntegerSeqAdapter { using Type = IndexSequence<Is...>; };
template<size_t N> using MakeIndexSequence = typename __make_integer_seq<IntegerSeqAdapter, size_t, N>::Type;
#else
template<size_t N> using MakeIndexSequence = IndexSequence<__integer_pack(N)...>;
#endif

} // namespace kstd

// Placement new with our own tag, so kernel code never needs <new> and never
// collides with the host's operator new when linked into a hosted process.
inline void* operator new(size_t, kstd::PlacementTag, void* where) noexcept { return where; }
inline void operator delete(void*, kstd::PlacementTag, void*) noexcept {}
