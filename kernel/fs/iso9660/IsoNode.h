// A file, directory or symlink of an ISO 9660 volume. Its metadata comes
// from its directory record (a directory's: its own "." record); data is
// read from its sections through the buffer cache. Every change is EROFS.
#pragma once

#include "../../vfs/Vnode.h"
#include "IsoFileSystem.h"

namespace husk {

class IsoNode final : public Vnode {
public:
    static kstd::ErrorOr<kstd::RefPtr<IsoNode>> make(IsoFileSystem& fs, uint64_t ino, IsoEntry& entry, kstd::Vector<char> link);
    IsoNode(IsoFileSystem& fs, uint64_t ino, uint32_t mode) : Vnode(fs, ino, mode) {}

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    uint64_t blocks() const override { return (m_size + 511) / 512; }

    kstd::ErrorOr<size_t> write(uint64_t, IoBuffer, size_t) override { return err(kstd::EROFS); }
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView, uint32_t, const Credentials&, uint64_t) override { return err(kstd::EROFS); }
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView, uint32_t, const Credentials&) override { return err(kstd::EROFS); }
    kstd::ErrorOr<kstd::RefPtr<Vnode>> symlink(kstd::StringView, kstd::StringView, const Credentials&) override { return err(kstd::EROFS); }
    kstd::ErrorOr<void> link(kstd::StringView, Vnode&) override { return err(kstd::EROFS); }
    kstd::ErrorOr<void> unlink(kstd::StringView) override { return err(kstd::EROFS); }
    kstd::ErrorOr<void> rmdir(kstd::StringView) override { return err(kstd::EROFS); }
    kstd::ErrorOr<void> rename(kstd::StringView, Vnode&, kstd::StringView) override { return err(kstd::EROFS); }

    uint32_t extent() const { return m_sections.size() ? m_sections[0].sector : 0; }
    uint32_t parent_extent() const { return m_parent_extent; }
    void set_parent_extent(uint32_t extent) { m_parent_extent = extent; }

private:
    kstd::ErrorOr<void> truncate(uint64_t) override { return err(kstd::EROFS); }
    IsoFileSystem& iso() const { return static_cast<IsoFileSystem&>(fs()); }

    kstd::Vector<IsoSection> m_sections;
    kstd::Vector<char> m_link;
    uint32_t m_parent_extent { 0 }; // directories: where ".." leads
};

} // namespace husk
