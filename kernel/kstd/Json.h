// A JSON value parsed from text (RFC 8259), for the configuration the
// kernel receives on its command line. Strings are decoded in place in the
// text they came from, which must outlive the value; nesting is limited.
#pragma once

#include "ErrorOr.h"
#include "StringView.h"
#include "Vector.h"

namespace kstd {

class JsonValue {
public:
    enum class Kind { Null, Bool, Number, String, Array, Object };

    // Parses one value from text[0..length), decoding strings in place.
    // Returns it and sets *used to the characters it spanned; EINVAL when
    // malformed (then *error_at is the offset of the problem).
    static ErrorOr<JsonValue> parse(char* text, size_t length, size_t* used, size_t* error_at);

    Kind kind() const { return m_kind; }
    bool is_string() const { return m_kind == Kind::String; }
    bool is_array() const { return m_kind == Kind::Array; }
    bool is_object() const { return m_kind == Kind::Object; }
    bool boolean() const { return m_bool; }
    // The decoded string, or a number's text.
    StringView text() const { return m_text; }
    // Elements of an array, or members of an object (each with its key).
    const Vector<JsonValue>& items() const { return m_items; }
    StringView key() const { return m_key; }
    // The member `key` of an object, or nullptr.
    const JsonValue* get(StringView key) const;

private:
    class Parser;
    Kind m_kind { Kind::Null };
    bool m_bool { false };
    StringView m_text;
    StringView m_key;
    Vector<JsonValue> m_items;
};

} // namespace kstd
