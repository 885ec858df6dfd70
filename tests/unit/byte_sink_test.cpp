// ByteSink behind IoBuffer: how sendfile takes a read's bytes where the file
// system keeps them. The sink must see them in order and say exactly how
// many its consumer took.
#include <cerrno>
#include <gtest/gtest.h>
#include <string>
#include "vfs/ByteSink.h"
#include "vfs/IoBuffer.h"

using namespace husk;

namespace {
// A consumer with room for `room` bytes.
struct Consumer {
    std::string got;
    size_t room;
};

size_t take(void* context, const uint8_t* data, size_t n)
{
    auto* c = static_cast<Consumer*>(context);
    size_t k = n < c->room - c->got.size() ? n : c->room - c->got.size();
    c->got.append(reinterpret_cast<const char*>(data), k);
    return k;
}

const uint8_t* bytes(const char* s) { return reinterpret_cast<const uint8_t*>(s); }
} // namespace

TEST(ByteSink, TakesPiecesInOrderThroughAnIoBuffer)
{
    Consumer c { {}, 100 };
    ByteSink sink(take, &c);
    IoBuffer buf = IoBuffer::sink(sink);
    ASSERT_FALSE(buf.write_from(0, "abc", 3).is_error());
    ASSERT_FALSE(buf.offset_by(3).write_from(0, "de", 2).is_error());
    ASSERT_FALSE(buf.offset_by(2).fill_zero(3, 2).is_error()); // a hole: zeros
    EXPECT_EQ(c.got, std::string("abcde\0\0", 7));
    EXPECT_EQ(sink.taken(), 7u);
    EXPECT_FALSE(sink.full());
    EXPECT_EQ(buf.kernel_memory(), nullptr);
    EXPECT_FALSE(buf.is_user());
}

TEST(ByteSink, StopsWhereTheConsumerIsFull)
{
    Consumer c { {}, 4 };
    ByteSink sink(take, &c);
    ASSERT_FALSE(sink.put(0, bytes("ab"), 2).is_error());
    auto r = sink.put(2, bytes("cdef"), 4);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), EAGAIN);
    EXPECT_TRUE(sink.full());
    EXPECT_EQ(sink.taken(), 4u); // part of the last piece counts
    EXPECT_EQ(c.got, "abcd");
    EXPECT_TRUE(sink.put(4, bytes("g"), 1).is_error()); // nothing after it stops
    EXPECT_EQ(c.got, "abcd");
}

TEST(ByteSink, RefusesBytesOutOfOrder)
{
    Consumer c { {}, 100 };
    ByteSink sink(take, &c);
    auto skipped = sink.put(1, bytes("x"), 1);
    ASSERT_TRUE(skipped.is_error());
    EXPECT_EQ(skipped.error().code(), EINVAL);
    ASSERT_FALSE(sink.put(0, bytes("ab"), 2).is_error());
    EXPECT_TRUE(sink.put(0, bytes("ab"), 2).is_error()); // again
    EXPECT_EQ(c.got, "ab");
}

TEST(ByteSink, CannotBeReadFrom)
{
    Consumer c { {}, 100 };
    ByteSink sink(take, &c);
    char out[4];
    auto r = IoBuffer::sink(sink).read_into(out, 0, sizeof out);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), EFAULT);
}
