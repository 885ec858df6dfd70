#include "Json.h"

namespace kstd {

class JsonValue::Parser {
public:
    Parser(char* text, size_t length) : m_text(text), m_length(length) {}

    ErrorOr<JsonValue> value(unsigned depth)
    {
        skip_space();
        if (m_at >= m_length || depth > kMaxDepth)
            return fail();
        char c = m_text[m_at];
        JsonValue v;
        if (c == '{' || c == '[') {
            v.m_kind = c == '{' ? Kind::Object : Kind::Array;
            ++m_at;
            skip_space();
            char close = c == '{' ? '}' : ']';
            if (m_at < m_length && m_text[m_at] == close) {
                ++m_at;
                return v;
            }
            for (;;) {
                StringView key;
                if (v.m_kind == Kind::Object) {
                    skip_space();
                    key = TRY(string());
                    skip_space();
                    if (m_at >= m_length || m_text[m_at] != ':')
                        return fail();
                    ++m_at;
                }
                JsonValue item = TRY(value(depth + 1));
                item.m_key = key;
                if (!v.m_items.append(move(item)))
                    return err(ENOMEM);
                skip_space();
                if (m_at < m_length && m_text[m_at] == ',') {
                    ++m_at;
                    continue;
                }
                if (m_at < m_length && m_text[m_at] == close) {
                    ++m_at;
                    return v;
                }
                return fail();
            }
        }
        if (c == '"') {
            v.m_kind = Kind::String;
            v.m_text = TRY(string());
            return v;
        }
        if (literal("true") || literal("false")) {
            v.m_kind = Kind::Bool;
            v.m_bool = c == 't';
            return v;
        }
        if (literal("null"))
            return v;
        size_t start = m_at;
        if (m_at < m_length && m_text[m_at] == '-')
            ++m_at;
        size_t digits = 0;
        while (m_at < m_length && ((m_text[m_at] >= '0' && m_text[m_at] <= '9') || m_text[m_at] == '.'
                                   || m_text[m_at] == 'e' || m_text[m_at] == 'E' || m_text[m_at] == '+'
                                   || (m_text[m_at] == '-' && m_at > start))) {
            digits += m_text[m_at] >= '0' && m_text[m_at] <= '9';
            ++m_at;
        }
        if (!digits)
            return fail();
        v.m_kind = Kind::Number;
        v.m_text = StringView(m_text + start, m_at - start);
        return v;
    }

    void skip_space()
    {
        while (m_at < m_length && (m_text[m_at] == ' ' || m_text[m_at] == '\t' || m_text[m_at] == '\n' || m_text[m_at] == '\r'))
            ++m_at;
    }
    size_t at() const { return m_at; }

private:
    static constexpr unsigned kMaxDepth = 16;

    Error fail() { return Error::from_errno(EINVAL); }

    bool literal(StringView word)
    {
        if (m_length - m_at < word.length() || !(StringView(m_text + m_at, word.length()) == word))
            return false;
        m_at += word.length();
        return true;
    }

    int hex4()
    {
        int v = 0;
        for (int i = 0; i < 4; ++i, ++m_at) {
            if (m_at >= m_length)
                return -1;
            char c = m_text[m_at];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        return v;
    }

    // Decodes the string at m_at in place (its text never grows).
    ErrorOr<StringView> string()
    {
        if (m_at >= m_length || m_text[m_at] != '"')
            return fail();
        ++m_at;
        char* out = m_text + m_at;
        char* start = out;
        while (m_at < m_length && m_text[m_at] != '"') {
            char c = m_text[m_at++];
            if (uint8_t(c) < 0x20)
                return fail();
            if (c != '\\') {
                *out++ = c;
                continue;
            }
            if (m_at >= m_length)
                return fail();
            char e = m_text[m_at++];
            switch (e) {
            case '"': case '\\': case '/': *out++ = e; break;
            case 'b': *out++ = '\b'; break;
            case 'f': *out++ = '\f'; break;
            case 'n': *out++ = '\n'; break;
            case 'r': *out++ = '\r'; break;
            case 't': *out++ = '\t'; break;
            case 'u': {
                int cp = hex4();
                if (cp < 0)
                    return fail();
                if (cp >= 0xd800 && cp < 0xdc00) { // a surrogate pair
                    if (m_length - m_at < 6 || m_text[m_at] != '\\' || m_text[m_at + 1] != 'u')
                        return fail();
                    m_at += 2;
                    int low = hex4();
                    if (low < 0xdc00 || low > 0xdfff)
                        return fail();
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                } else if (cp >= 0xdc00 && cp < 0xe000) {
                    return fail();
                }
                // UTF-8 is never longer than the escape it came from.
                if (cp < 0x80) {
                    *out++ = char(cp);
                } else if (cp < 0x800) {
                    *out++ = char(0xc0 | (cp >> 6));
                    *out++ = char(0x80 | (cp & 0x3f));
                } else if (cp < 0x10000) {
                    *out++ = char(0xe0 | (cp >> 12));
                    *out++ = char(0x80 | ((cp >> 6) & 0x3f));
                    *out++ = char(0x80 | (cp & 0x3f));
                } else {
                    *out++ = char(0xf0 | (cp >> 18));
                    *out++ = char(0x80 | ((cp >> 12) & 0x3f));
                    *out++ = char(0x80 | ((cp >> 6) & 0x3f));
                    *out++ = char(0x80 | (cp & 0x3f));
                }
                break;
            }
            default:
                return fail();
            }
        }
        if (m_at >= m_length)
            return fail();
        ++m_at; // the closing quote
        return StringView(start, size_t(out - start));
    }

    char* m_text;
    size_t m_length;
    size_t m_at { 0 };
};

ErrorOr<JsonValue> JsonValue::parse(char* text, size_t length, size_t* used, size_t* error_at)
{
    Parser p(text, length);
    auto v = p.value(0);
    if (v.is_error()) {
        if (error_at)
            *error_at = p.at();
        return v.error();
    }
    if (used)
        *used = p.at();
    return v;
}

const JsonValue* JsonValue::get(StringView key) const
{
    if (m_kind != Kind::Object)
        return nullptr;
    for (const JsonValue& member : m_items)
        if (member.m_key == key)
            return &member;
    return nullptr;
}

} // namespace kstd
