// Extended attributes: no file system here stores any. As Linux answers
// for one without xattr support: get, set and remove are EOPNOTSUPP and a
// list is empty, once the file is found (ENOENT, EBADF... first), so that
// programs which ask for ACLs or SELinux labels (ls -l, cp -a) go on.
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
ErrorOr<void> find(UChar path, bool follow)
{
    TRY(vnode_at(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, follow));
    return {};
}
ErrorOr<void> find(int fd)
{
    TRY(file_of(fd));
    return {};
}
} // namespace

SysResult sys_getxattr(UChar path, UChar, UserPtr<void>, size_t) { TRY(find(path, true)); return err(EOPNOTSUPP); }
SysResult sys_lgetxattr(UChar path, UChar, UserPtr<void>, size_t) { TRY(find(path, false)); return err(EOPNOTSUPP); }
SysResult sys_fgetxattr(int fd, UChar, UserPtr<void>, size_t) { TRY(find(fd)); return err(EOPNOTSUPP); }
SysResult sys_setxattr(UChar path, UChar, UserPtr<const void>, size_t, int) { TRY(find(path, true)); return err(EOPNOTSUPP); }
SysResult sys_lsetxattr(UChar path, UChar, UserPtr<const void>, size_t, int) { TRY(find(path, false)); return err(EOPNOTSUPP); }
SysResult sys_fsetxattr(int fd, UChar, UserPtr<const void>, size_t, int) { TRY(find(fd)); return err(EOPNOTSUPP); }
SysResult sys_listxattr(UChar path, UserPtr<char>, size_t) { TRY(find(path, true)); return 0; }
SysResult sys_llistxattr(UChar path, UserPtr<char>, size_t) { TRY(find(path, false)); return 0; }
SysResult sys_flistxattr(int fd, UserPtr<char>, size_t) { TRY(find(fd)); return 0; }
SysResult sys_removexattr(UChar path, UChar) { TRY(find(path, true)); return err(EOPNOTSUPP); }
SysResult sys_lremovexattr(UChar path, UChar) { TRY(find(path, false)); return err(EOPNOTSUPP); }
SysResult sys_fremovexattr(int fd, UChar) { TRY(find(fd)); return err(EOPNOTSUPP); }

} // namespace husk
