#include "Memfd.h"
#include "../kstd/Format.h"
#include "FileSystem.h"
#include "VnodeFile.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// The file system memfds live on: a ramfs made at the first memfd_create.
ErrorOr<FileSystem*> memfd_fs()
{
    static FileSystem* fs;
    if (!fs) {
        const FileSystemType* type = FileSystemTypes::find("ramfs");
        if (!type)
            return err(ENOSYS);
        fs = TRY(type->create("memfd", 0, ""));
    }
    return fs;
}
} // namespace

ErrorOr<RefPtr<File>> Memfd::create(kstd::StringView name, unsigned flags, const Credentials& owner)
{
    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC))
        return err(EINVAL);
    if ((flags & MFD_HUGETLB) || ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC)))
        return err(EINVAL);
    if (name.length() > kMaxName)
        return err(EINVAL);
    FileSystem* fs = TRY(memfd_fs());
    RefPtr<Vnode> root = fs->root();
    // A unique entry for the moment of creation, removed at once: the file
    // lives while it is open, as an unlinked file does.
    static uint64_t serial;
    char entry[24];
    kstd::format(entry, sizeof entry, "%llu", (unsigned long long)++serial);
    RefPtr<Vnode> v = TRY(root->create(entry, linux::S_IFREG | 0777, owner, 0));
    TRY(root->unlink(entry));
    RefPtr<File> file = kstd::adopt_new<VnodeFile>(v, linux::O_RDWR | linux::O_LARGEFILE);
    if (!file)
        return err(ENOMEM);
    char shown[kMaxName + 8];
    size_t n = kstd::format(shown, sizeof shown, "memfd:%.*s", int(name.length()), name.data());
    file->set_opened_at(root, kstd::StringView(shown, n));
    return file;
}

} // namespace husk
