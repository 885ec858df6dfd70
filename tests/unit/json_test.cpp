// kstd::JsonValue: the parser of the kernel's configuration.
#include <gtest/gtest.h>
#include <string>
#include "Boot.h"
#include "kstd/Json.h"

using kstd::JsonValue;
using kstd::StringView;

namespace {
std::string str(StringView v) { return std::string(v.data(), v.length()); }

struct Parsed {
    std::string text;
    size_t used = 0, error_at = 0; // before value: parse() sets them
    kstd::ErrorOr<JsonValue> value;
    explicit Parsed(std::string t) : text(std::move(t)), value(parse()) {}
    kstd::ErrorOr<JsonValue> parse() { return JsonValue::parse(text.data(), text.size(), &used, &error_at); }
};
} // namespace

TEST(Json, ObjectsArraysStringsAndTheirEnd)
{
    boot_kernel();
    Parsed p(R"({"argv": ["hello", "two words", ""], "env": "K=V", "n": -12.5e3, "ok": true, "no": null, "blk": {"source": "vda"}} trailing)");
    ASSERT_FALSE(p.value.is_error());
    const JsonValue& v = p.value.value();
    EXPECT_TRUE(v.is_object());
    EXPECT_EQ(p.text.substr(p.used), " trailing");
    const JsonValue* argv = v.get("argv");
    ASSERT_TRUE(argv && argv->is_array());
    ASSERT_EQ(argv->items().size(), 3u);
    EXPECT_EQ(str(argv->items()[1].text()), "two words");
    EXPECT_EQ(str(argv->items()[2].text()), "");
    EXPECT_EQ(str(v.get("env")->text()), "K=V");
    EXPECT_EQ(str(v.get("n")->text()), "-12.5e3");
    EXPECT_TRUE(v.get("ok")->boolean());
    EXPECT_EQ(v.get("no")->kind(), JsonValue::Kind::Null);
    EXPECT_EQ(str(v.get("blk")->get("source")->text()), "vda");
    EXPECT_EQ(v.get("missing"), nullptr);
}

TEST(Json, EscapesDecodeInPlace)
{
    boot_kernel();
    Parsed p(R"(["a\"b\\c\/d\n\t", "\u00e9\u20ac", "\ud83d\ude00"])");
    ASSERT_FALSE(p.value.is_error());
    const auto& items = p.value.value().items();
    EXPECT_EQ(str(items[0].text()), "a\"b\\c/d\n\t");
    EXPECT_EQ(str(items[1].text()), "\xc3\xa9\xe2\x82\xac");
    EXPECT_EQ(str(items[2].text()), "\xf0\x9f\x98\x80");
}

TEST(Json, MalformedTextIsRefusedWithItsPlace)
{
    boot_kernel();
    for (const char* bad : { "{", "[1,]", "{\"a\" 1}", "\"unterminated", "\"\\x\"", "\"\\ud800\"", "tru", "-",
                             "{\"a\":\"\x01\"}", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]" }) {
        Parsed p(bad);
        EXPECT_TRUE(p.value.is_error()) << bad;
        EXPECT_LE(p.error_at, p.text.size()) << bad;
    }
}
