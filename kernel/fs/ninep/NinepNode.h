// A file, directory, symlink or special file of a 9P mount. It holds a
// fid walked to it (its handle for names and attributes) and, once opened
// for I/O or listing, a second fid the server opened (Tlopen/Tlcreate):
// it stays open as long as the vnode lives, so a file unlinked while open
// is still read and written, as on Linux. Both are clunked with the vnode.
#pragma once

#include "../../vfs/Vnode.h"
#include "NinepFileSystem.h"

namespace husk {

class NinepNode final : public Vnode {
public:
    NinepNode(NinepFileSystem& fs, uint64_t ino, uint32_t mode, uint32_t fid) : Vnode(fs, ino, mode), m_fid(fid) {}
    ~NinepNode() override;

    uint32_t fid() const { return m_fid; }
    // Rereads the attributes from the server (Tgetattr).
    kstd::ErrorOr<void> refresh();
    // Takes fid as the node's handle (a newer walk to it), clunking the old.
    void replace_fid(uint32_t fid);
    void set_attributes(const ninep::Attr& a);
    // A fid the server already opened for reading and writing (Tlcreate's).
    void adopt_open_fid(uint32_t fid, bool writable);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView name, uint32_t mode, const Credentials&, uint64_t rdev) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView name, uint32_t mode, const Credentials&) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> symlink(kstd::StringView name, kstd::StringView target, const Credentials&) override;
    kstd::ErrorOr<void> link(kstd::StringView name, Vnode& target) override;
    kstd::ErrorOr<void> unlink(kstd::StringView name) override;
    kstd::ErrorOr<void> rmdir(kstd::StringView name) override;
    kstd::ErrorOr<void> rename(kstd::StringView old_name, Vnode& new_dir, kstd::StringView new_name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    kstd::ErrorOr<void> sync() override;
    kstd::ErrorOr<kstd::RefPtr<SharedMemory>> shared_pages() override;
    kstd::ErrorOr<kstd::RefPtr<File>> open_device(int flags) override;
    uint64_t blocks() const override { return m_blocks; }

private:
    kstd::ErrorOr<void> truncate(uint64_t size) override;
    kstd::ErrorOr<void> write_metadata() override;

    NinepFileSystem& p9() const { return static_cast<NinepFileSystem&>(fs()); }
    ninep::Client& client() const { return p9().client(); }
    // A new fid walked from this directory to name (none: a clone of it).
    kstd::ErrorOr<uint32_t> walk(kstd::StringView name, ninep::Qid* qid);
    // The live node name stands for, if any is (for its link count).
    kstd::RefPtr<NinepNode> cached_child(kstd::StringView name);
    // An opened fid: for reading, or for writing too.
    kstd::ErrorOr<uint32_t> open_fid(bool write);
    // A new node's fid and ownership after Tlcreate/Tmkdir/Tsymlink/Tmknod.
    kstd::ErrorOr<kstd::RefPtr<NinepNode>> made(kstd::StringView name, const ninep::Qid& qid, const Credentials& who);

    uint32_t m_fid;
    uint32_t m_open_fid { ninep::kNoFid };
    int m_open_mode { 0 }; // O_RDONLY, O_WRONLY or O_RDWR: how m_open_fid was opened
    uint64_t m_blocks { 0 };
    ninep::Attr m_server; // the attributes as the server last told them
    // A directory's parent as last looked up: ".." of a directory removed
    // while a process stands in it (the server has no path for it then).
    kstd::RefPtr<NinepNode> m_parent;
};

} // namespace husk
