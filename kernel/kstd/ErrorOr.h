// ErrorOr<T>: a value or a Linux errno. The kernel's only error channel
// (no exceptions). TRY(expr) returns the error to the caller.
#pragma once

#include "Errno.h"
#include "Types.h"

namespace kstd {

template<typename U> using Decay = typename RemoveCV<RemoveReferenceT<U>>::Type;

class Error {
public:
    static constexpr Error from_errno(int code) { return Error(code); }
    constexpr int code() const { return m_code; }
    constexpr bool operator==(const Error&) const = default;

private:
    explicit constexpr Error(int code) : m_code(code) {}
    int m_code;
};

template<typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(const T& value) : m_is_error(false) { new (placement, &m_storage) T(value); }
    ErrorOr(T&& value) : m_is_error(false) { new (placement, &m_storage) T(move(value)); }
    template<typename U>
        requires(!IsSame<Decay<U>, ErrorOr> && !IsSame<Decay<U>, Error> && !IsSame<Decay<U>, T>)
    ErrorOr(U&& value) : m_is_error(false)
    {
        new (placement, &m_storage) T(forward<U>(value));
    }
    ErrorOr(Error error) : m_is_error(true), m_error(error.code()) {}
    ErrorOr(ErrorOr&& other) : m_is_error(other.m_is_error), m_error(other.m_error)
    {
        if (!m_is_error)
            new (placement, &m_storage) T(move(other.value()));
    }
    ErrorOr(const ErrorOr&) = delete;
    ErrorOr& operator=(const ErrorOr&) = delete;
    ErrorOr& operator=(ErrorOr&&) = delete;
    ~ErrorOr()
    {
        if (!m_is_error)
            value().~T();
    }

    bool is_error() const { return m_is_error; }
    Error error() const { return Error::from_errno(m_error); }
    T& value() { return *reinterpret_cast<T*>(&m_storage); }
    const T& value() const { return *reinterpret_cast<const T*>(&m_storage); }
    T release_value() { return move(value()); }

private:
    bool m_is_error;
    int m_error { 0 };
    alignas(T) unsigned char m_storage[sizeof(T)];
};

template<>
class [[nodiscard]] ErrorOr<void> {
public:
    ErrorOr() = default;
    ErrorOr(Error error) : m_is_error(true), m_error(error.code()) {}
    bool is_error() const { return m_is_error; }
    Error error() const { return Error::from_errno(m_error); }
    void release_value() {}

private:
    bool m_is_error { false };
    int m_error { 0 };
};

inline Error err(int code) { return Error::from_errno(code); }

} // namespace kstd

#define TRY(expr)                                   \
    ({                                              \
        auto&& _try_result = (expr);                \
        if (_try_result.is_error())                 \
            return _try_result.error();             \
        _try_result.release_value();                \
    })

// The kernel's own names for its everyday types (as SerenityOS's AK
// exports its own): every kernel file uses them.
namespace husk {
using kstd::err;
using kstd::ErrorOr;
} // namespace husk
