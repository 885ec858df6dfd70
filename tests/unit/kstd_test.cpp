// kstd: the kernel's own containers, strings, formatting and ErrorOr.
#include "Boot.h"
#include <algorithm>
#include <random>
#include <string>
#include <vector>
#include "kstd/ErrorOr.h"
#include "kstd/Format.h"
#include "kstd/HashMap.h"
#include "kstd/IntrusiveList.h"
#include "kstd/Sort.h"
#include "kstd/String.h"
#include "kstd/StringView.h"
#include "kstd/Vector.h"

using namespace kstd;

TEST(Kstd, VectorGrowsAndKeepsOrder)
{
    boot_kernel();
    Vector<int> v;
    for (int i = 0; i < 1000; ++i)
        ASSERT_TRUE(v.append(i));
    ASSERT_EQ(v.size(), 1000u);
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(v[size_t(i)], i);
    v.remove(0);
    EXPECT_EQ(v[0], 1);
    EXPECT_EQ(v.take_last(), 999);
    EXPECT_EQ(v.size(), 998u);
}

TEST(Kstd, VectorOfStringsMovesOwnership)
{
    boot_kernel();
    Vector<String> v;
    for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(v.append(String::from(StringView(std::to_string(i).c_str())).release_value()));
    EXPECT_EQ(v[42].view(), StringView("42"));
    Vector<String> moved(move(v));
    EXPECT_EQ(v.size(), 0u);
    EXPECT_EQ(moved[7].view(), StringView("7"));
}

TEST(Kstd, HashMapInsertLookupRemoveAcrossRehash)
{
    boot_kernel();
    HashMap<uint64_t, int> m;
    for (uint64_t i = 0; i < 5000; ++i)
        ASSERT_TRUE(m.set(i * 7919, int(i)));
    EXPECT_EQ(m.size(), 5000u);
    for (uint64_t i = 0; i < 5000; i += 2)
        EXPECT_TRUE(m.remove(i * 7919));
    EXPECT_EQ(m.size(), 2500u);
    for (uint64_t i = 0; i < 5000; ++i) {
        int* v = m.get(i * 7919);
        if (i % 2)
            ASSERT_TRUE(v && *v == int(i));
        else
            EXPECT_EQ(v, nullptr);
    }
    ASSERT_TRUE(m.set(7919, -1)); // overwrite
    EXPECT_EQ(*m.get(7919), -1);
    EXPECT_EQ(m.size(), 2500u);
}

TEST(Kstd, HashMapStringViewKeys)
{
    boot_kernel();
    HashMap<StringView, int> m;
    ASSERT_TRUE(m.set("alpha", 1));
    ASSERT_TRUE(m.set("beta", 2));
    std::string probe = "alpha";
    ASSERT_NE(m.get(StringView(probe.c_str())), nullptr);
    EXPECT_EQ(*m.get(StringView(probe.c_str())), 1);
    EXPECT_EQ(m.get("gamma"), nullptr);
}

struct Item {
    int value;
    ListNode node;
};

TEST(Kstd, IntrusiveListOrderAndRemoval)
{
    IntrusiveList<Item, &Item::node> list;
    Item a { 1, {} }, b { 2, {} }, c { 3, {} };
    list.append(a);
    list.append(c);
    list.insert_before(c, b);
    std::string seen;
    for (auto& i : list)
        seen += std::to_string(i.value);
    EXPECT_EQ(seen, "123");
    decltype(list)::remove(b);
    EXPECT_FALSE(b.node.is_linked());
    EXPECT_EQ(list.size(), 2u);
    EXPECT_EQ(list.take_first()->value, 1);
    EXPECT_EQ(list.take_first()->value, 3);
    EXPECT_TRUE(list.is_empty());
}

TEST(Kstd, StringViewOperations)
{
    StringView v("hello/world");
    EXPECT_EQ(v.length(), 11u);
    EXPECT_EQ(v.find('/'), 5);
    EXPECT_EQ(v.find('x'), -1);
    EXPECT_TRUE(v.substring(6) == StringView("world"));
    EXPECT_TRUE(v.starts_with("hello"));
    EXPECT_FALSE(v.starts_with("world"));
}

TEST(Kstd, FormatLikePrintf)
{
    char buf[128];
    struct Case {
        std::string got, want;
    };
    auto f = [&](auto... args) {
        kstd::format(buf, sizeof buf, args...);
        return std::string(buf);
    };
    EXPECT_EQ(f("%d %i %u", -42, 7, 4000000000u), "-42 7 4000000000");
    EXPECT_EQ(f("%ld %lu %lld", -1L, 18446744073709551615UL, -9223372036854775807LL - 1), "-1 18446744073709551615 -9223372036854775808");
    EXPECT_EQ(f("%x %X %o %lx", 255u, 255u, 8u, 0xdeadbeefUL), "ff FF 10 deadbeef");
    EXPECT_EQ(f("[%5d] [%-5d] [%05d]", 42, 42, 42), "[   42] [42   ] [00042]");
    EXPECT_EQ(f("%s|%-4s|%4s|%.3s", "abc", "ab", "ab", "abcdef"), "abc|ab  |  ab|abc");
    EXPECT_EQ(f("%c%c %%", 'o', 'k'), "ok %");
    EXPECT_EQ(f("%zu", size_t(123)), "123");
    EXPECT_EQ(f("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
    EXPECT_EQ(f("%s", static_cast<const char*>(nullptr)), "(null)");
}

TEST(Kstd, FormatTruncatesAndReportsFullLength)
{
    char small[6];
    size_t n = kstd::format(small, sizeof small, "%s", "truncated");
    EXPECT_EQ(n, 9u);
    EXPECT_STREQ(small, "trunc");
}

namespace {
ErrorOr<int> parse_positive(int v)
{
    if (v < 0)
        return err(EINVAL);
    return v * 2;
}
ErrorOr<int> chain(int v)
{
    int doubled = TRY(parse_positive(v));
    return doubled + 1;
}
} // namespace

TEST(Kstd, ErrorOrAndTry)
{
    auto ok = chain(5);
    ASSERT_FALSE(ok.is_error());
    EXPECT_EQ(ok.value(), 11);
    auto bad = chain(-1);
    ASSERT_TRUE(bad.is_error());
    EXPECT_EQ(bad.error().code(), EINVAL);
    EXPECT_STREQ(errno_name(ENOENT), "ENOENT");
    EXPECT_STREQ(errno_name(9999), "E?");
}

TEST(Kstd, HashMapRemoveIf)
{
    boot_kernel();
    HashMap<uint64_t, int> m;
    for (uint64_t i = 0; i < 1000; ++i)
        ASSERT_TRUE(m.set(i, int(i)));
    EXPECT_EQ(m.remove_if([](uint64_t k, int&) { return k % 3 == 0; }), 334u);
    EXPECT_EQ(m.size(), 666u);
    EXPECT_EQ(m.get(3), nullptr);
    ASSERT_NE(m.get(4), nullptr);
    ASSERT_TRUE(m.set(3, 33)); // tombstones are reused
    EXPECT_EQ(*m.get(3), 33);
}

TEST(Kstd, SortOrdersLikeStdSort)
{
    std::mt19937 random(7);
    for (size_t n : { 0u, 1u, 2u, 3u, 10u, 1000u, 4097u }) {
        std::vector<int> items(n);
        for (auto& x : items)
            x = int(random() % 100); // many equal keys
        std::vector<int> expected = items;
        std::sort(expected.begin(), expected.end());
        kstd::sort(items.data(), items.size(), [](int a, int b) { return a < b; });
        EXPECT_EQ(items, expected) << "n = " << n;
    }
    std::vector<int> descending { 5, 4, 3, 2, 1 };
    kstd::sort(descending.data(), descending.size(), [](int a, int b) { return a < b; });
    EXPECT_EQ(descending, (std::vector<int> { 1, 2, 3, 4, 5 }));
}
