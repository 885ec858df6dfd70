// The open file description of a vnode in a file system: regular files,
// directories (getdents) and O_PATH descriptors.
#pragma once

#include "File.h"

namespace husk {

class VnodeFile final : public File {
public:
    VnodeFile(kstd::RefPtr<Vnode> vnode, int flags);
    // The open took the vnode's write access (Vnode::get_write_access):
    // this description gives it back when it goes.
    void hold_write_access() { m_holds_write_access = true; }
    ~VnodeFile() override;

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> pread(IoBuffer buf, size_t n, uint64_t offset) override;
    kstd::ErrorOr<size_t> pwrite(IoBuffer buf, size_t n, uint64_t offset) override;
    kstd::ErrorOr<uint64_t> seek(int64_t offset, int whence) override;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    kstd::ErrorOr<size_t> getdents(IoBuffer buf, size_t size, bool legacy = false) override;
    kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg) override;
    short poll_events() override { return m_vnode->poll_events(); }
    bool is_pollable() const override { return false; } // files and directories are always ready
    Vnode* vnode() override { return m_vnode.ptr(); }
    bool is_path_only() const override { return m_flags & linux::O_PATH; }

private:
    // A generated text's snapshot (Vnode::is_generated_text), taken by a
    // read at offset 0 and served to the reads that follow in order.
    void take_snapshot();
    void drop_snapshot();
    kstd::RefPtr<Vnode> m_vnode;
    char* m_snapshot { nullptr };
    size_t m_snapshot_length { 0 };
    uint64_t m_offset { 0 };  // byte offset, or the readdir cookie for directories
    bool m_holds_write_access { false };
};

} // namespace husk
