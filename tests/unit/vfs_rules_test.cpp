// The VFS's permission rules for callers other than root, which the
// differential suite (root on both sides) cannot show: a PathContext is all
// the VFS needs to know of a caller, so these call it directly.
// (Kernel headers first: host macros would clash with the kernel's Linux
// ABI constants of the same names.)
#include "abi/Linux.h"
#include "vfs/Permissions.h"
#include "vfs/Vfs.h"

namespace {
// Named before the host headers below define macros of the same names.
constexpr uint32_t kRegular = husk::linux::S_IFREG;
constexpr int kEperm = kstd::EPERM, kEacces = kstd::EACCES, kEinval = kstd::EINVAL;
constexpr int kReadable = husk::linux::R_OK;
} // namespace

#include "Boot.h"

using namespace husk;

namespace {

PathContext caller(uint32_t uid, uint32_t umask = 022)
{
    PathContext context { Vfs::root(), Vfs::root(), {}, umask };
    context.credentials = Credentials::of(uid, uid);
    return context;
}

int error_of(const kstd::ErrorOr<void>& r) { return r.is_error() ? r.error().code() : 0; }

} // namespace

TEST(VfsRules, StickyDirectoryKeepsOthersNames)
{
    boot_kernel();
    PathContext root = caller(0), alice = caller(1000), bob = caller(1001);
    ASSERT_FALSE(Vfs::mknod(root, root.root, "/tmp/roots", kRegular | 0666, 0).is_error());
    ASSERT_FALSE(Vfs::mknod(alice, alice.root, "/tmp/alices", kRegular | 0666, 0).is_error());
    // /tmp is 01777: anyone may create, only a name's owner (or the
    // directory's, or root) may remove or replace it.
    EXPECT_EQ(error_of(Vfs::unlink(alice, alice.root, "/tmp/roots")), kEperm);
    EXPECT_EQ(error_of(Vfs::rename(bob, bob.root, "/tmp/alices", bob.root, "/tmp/bobs", 0)), kEperm);
    EXPECT_EQ(error_of(Vfs::rename(alice, alice.root, "/tmp/alices", alice.root, "/tmp/roots", 0)), kEperm);
    EXPECT_EQ(error_of(Vfs::rename(alice, alice.root, "/tmp/alices", alice.root, "/tmp/alices2", 0)), 0);
    EXPECT_EQ(error_of(Vfs::unlink(alice, alice.root, "/tmp/alices2")), 0);
    EXPECT_EQ(error_of(Vfs::unlink(root, root.root, "/tmp/roots")), 0);
}

TEST(VfsRules, CreatingNeedsWriteAndSearchPermission)
{
    boot_kernel();
    PathContext root = caller(0), alice = caller(1000, 077);
    ASSERT_EQ(error_of(Vfs::mkdir(root, root.root, "/locked", 0755)), 0);
    EXPECT_EQ(error_of(Vfs::mkdir(alice, alice.root, "/locked/d", 0777)), kEacces);
    auto node = Vfs::mknod(alice, alice.root, "/locked/f", kRegular | 0666, 0);
    ASSERT_TRUE(node.is_error());
    EXPECT_EQ(node.error().code(), kEacces);
    // Alice's own directory: her name, her umask.
    ASSERT_EQ(error_of(Vfs::mkdir(root, root.root, "/alices", 0755)), 0);
    auto dir = Vfs::resolve(root, root.root, "/alices", FollowLast);
    ASSERT_FALSE(dir.is_error());
    ASSERT_EQ(error_of(Vfs::chown(root, *dir.value().vnode, 1000, 1000)), 0);
    auto file = Vfs::mknod(alice, alice.root, "/alices/f", kRegular | 0666, 0);
    ASSERT_FALSE(file.is_error());
    EXPECT_EQ(file.value()->uid(), 1000u);
    EXPECT_EQ(file.value()->mode(), kRegular | 0600);
}

TEST(VfsRules, MetadataIsTheOwners)
{
    boot_kernel();
    PathContext root = caller(0), alice = caller(1000), bob = caller(1001);
    auto made = Vfs::mknod(alice, alice.root, "/tmp/meta", kRegular | 0644, 0);
    ASSERT_FALSE(made.is_error());
    Vnode& v = *made.value();
    EXPECT_EQ(error_of(Vfs::chmod(bob, v, 0666)), kEperm);
    EXPECT_EQ(error_of(Vfs::chmod(alice, v, 0664)), 0);
    EXPECT_EQ(v.mode(), kRegular | 0664);
    EXPECT_EQ(error_of(Vfs::chown(alice, v, 1001, uint32_t(-1))), kEperm);
    // "Now" needs write permission; a time of one's choice, ownership.
    EXPECT_EQ(error_of(Vfs::set_times(bob, v, nullptr)), kEacces);
    linux::timespec times[2] = { { 1, 0 }, { 2, 0 } };
    EXPECT_EQ(error_of(Vfs::set_times(alice, v, times)), 0);
    EXPECT_EQ(v.mtime().sec, 2);
    EXPECT_EQ(error_of(Vfs::truncate(bob, v, 0)), kEacces);
    EXPECT_EQ(error_of(Vfs::unlink(root, root.root, "/tmp/meta")), 0);
}

TEST(VfsRules, DroppingRootAndSupplementaryGroups)
{
    boot_kernel();
    // A server started as root becomes nobody: setgroups, setgid, setuid.
    PathContext server = caller(0), root = caller(0);
    uint32_t web[] = { 33, 65534 };
    ASSERT_EQ(error_of(server.credentials.set_groups(web, 2)), 0);
    ASSERT_EQ(error_of(server.credentials.set_gid(65534)), 0);
    ASSERT_EQ(error_of(server.credentials.set_uid(65534)), 0);
    const Credentials& c = server.credentials;
    EXPECT_EQ(c.uid, 65534u);
    EXPECT_EQ(c.euid, 65534u);
    EXPECT_EQ(c.gid, 65534u);
    EXPECT_EQ(c.egid, 65534u);
    // Once dropped, root stays out of reach; keeping one's own IDs is fine.
    EXPECT_EQ(error_of(server.credentials.set_uid(0)), kEperm);
    EXPECT_EQ(error_of(server.credentials.set_gid(0)), kEperm);
    EXPECT_EQ(error_of(server.credentials.set_groups(nullptr, 0)), kEperm);
    EXPECT_EQ(error_of(server.credentials.set_uid(65534)), 0);
    uint32_t too_many[Credentials::kMaxGroups + 1] = {};
    EXPECT_EQ(error_of(root.credentials.set_groups(too_many, Credentials::kMaxGroups + 1)), kEinval);
    EXPECT_EQ(error_of(root.credentials.set_uid(uint32_t(-1))), kEinval);
    // A supplementary group opens a file's group bits, and is a group
    // the owner may give the file.
    auto made = Vfs::mknod(root, root.root, "/tmp/www", kRegular | 0640, 0);
    ASSERT_FALSE(made.is_error());
    Vnode& v = *made.value();
    ASSERT_EQ(error_of(Vfs::chown(root, v, 1000, 33)), 0);
    EXPECT_EQ(error_of(check_access(v, server.credentials, kReadable)), 0);
    EXPECT_EQ(error_of(check_access(v, caller(1001).credentials, kReadable)), kEacces);
    PathContext owner = caller(1000);
    EXPECT_EQ(error_of(Vfs::chown(owner, v, uint32_t(-1), 34)), kEperm);
    owner.credentials.groups[0] = 34;
    owner.credentials.group_count = 1;
    EXPECT_EQ(error_of(Vfs::chown(owner, v, uint32_t(-1), 34)), 0);
    EXPECT_EQ(error_of(Vfs::unlink(root, root.root, "/tmp/www")), 0);
}
