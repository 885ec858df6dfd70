// The inode cache: one live vnode per inode, never kept alive by the cache.
// (Kernel headers first: the host's <sys/stat.h> macros would clash with
// the kernel's Linux ABI constants of the same names.)
#include "vfs/FileSystem.h"
#include "vfs/VnodeCache.h"
#include "Boot.h"

namespace {

class TestFs final : public husk::FileSystem {
public:
    const char* type_name() const override { return "test"; }
};

class TestVnode final : public husk::Vnode {
public:
    TestVnode(husk::FileSystem& fs, uint64_t ino) : Vnode(fs, ino, 0100644) {}
};

} // namespace

TEST(VnodeCache, OneLiveVnodePerInode)
{
    boot_kernel();
    auto* fs = new TestFs();
    ASSERT_NE(fs, nullptr);
    {
        auto v = kstd::adopt_new<TestVnode>(*fs, 42);
        ASSERT_FALSE(fs->vnode_cache().insert(*v).is_error());
        auto again = fs->vnode_cache().find(42);
        EXPECT_EQ(again.ptr(), v.ptr());
        EXPECT_EQ(v->ref_count(), 2u);
        EXPECT_EQ(fs->vnode_cache().find(7).ptr(), nullptr);
        EXPECT_EQ(fs->live_vnodes(), 1u);
    }
    // The last reference went away: so did the cache entry.
    EXPECT_EQ(fs->vnode_cache().find(42).ptr(), nullptr);
    EXPECT_EQ(fs->vnode_cache().size(), 0u);
    EXPECT_EQ(fs->live_vnodes(), 0u);
    delete fs;
}

TEST(VnodeCache, ManyInodes)
{
    boot_kernel();
    auto* fs = new TestFs();
    std::vector<kstd::RefPtr<husk::Vnode>> held;
    for (uint64_t ino = 1; ino <= 2000; ++ino) {
        kstd::RefPtr<husk::Vnode> v = kstd::adopt_new<TestVnode>(*fs, ino);
        ASSERT_FALSE(fs->vnode_cache().insert(*v).is_error());
        held.push_back(v);
    }
    EXPECT_EQ(fs->vnode_cache().size(), 2000u);
    for (uint64_t ino = 1; ino <= 2000; ino += 97)
        EXPECT_EQ(fs->vnode_cache().find(ino)->ino(), ino);
    held.clear();
    EXPECT_EQ(fs->vnode_cache().size(), 0u);
    delete fs;
}
