#include "IsoNode.h"
#include "IsoEntries.h"
#include "IsoFormat.h"

namespace husk {

using namespace kstd::errno_values;
using namespace iso9660;

ErrorOr<RefPtr<IsoNode>> IsoNode::make(IsoFileSystem& fs, uint64_t ino, IsoEntry& entry, kstd::Vector<char> link)
{
    auto node = kstd::adopt_new<IsoNode>(fs, ino, entry.mode);
    if (!node)
        return err(ENOMEM);
    node->m_uid = entry.uid;
    node->m_gid = entry.gid;
    node->m_nlink = entry.nlink;
    node->m_size = linux::is_lnk(entry.mode) ? link.size() : entry.size;
    node->m_rdev = entry.rdev;
    node->m_atime = entry.atime;
    node->m_mtime = entry.mtime;
    node->m_ctime = entry.ctime;
    node->m_sections = kstd::move(entry.sections);
    node->m_link = kstd::move(link);
    return node;
}

ErrorOr<RefPtr<Vnode>> IsoNode::lookup(StringView name)
{
    if (!is_directory())
        return err(ENOTDIR);
    if (name == ".")
        return RefPtr<Vnode>(*this);
    if (name == "..")
        return RefPtr<Vnode>(TRY(iso().directory(m_parent_extent)));
    RefPtr<Vnode> found;
    ErrorOr<void> failure {};
    TRY(iso().for_each_entry(m_sections[0], 0, [&](IsoEntry& e) {
        if (e.kind != IsoEntry::Kind::Normal || StringView(e.name, e.name_length) != name)
            return true;
        auto node = iso().node_for(e, *this);
        if (node.is_error())
            failure = node.error();
        else
            found = kstd::move(node.value());
        return false;
    }));
    TRY(failure);
    if (!found)
        return err(ENOENT);
    return found;
}

ErrorOr<void> IsoNode::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (!is_directory())
        return err(ENOTDIR);
    return iso().for_each_entry(m_sections[0], cookie, [&](IsoEntry& e) {
        switch (e.kind) {
        case IsoEntry::Kind::Hidden:
            return true;
        case IsoEntry::Kind::Dot:
            return emit(ctx, { ".", ino(), linux::DT_DIR, e.next });
        case IsoEntry::Kind::DotDot:
            return emit(ctx, { "..", IsoFileSystem::directory_ino(m_parent_extent), linux::DT_DIR, e.next });
        case IsoEntry::Kind::Normal:
            break;
        }
        uint64_t entry_ino = e.position;
        uint8_t type = linux::dtype_of(e.mode);
        if (e.child_link) {
            entry_ino = IsoFileSystem::directory_ino(e.child_link);
            type = linux::DT_DIR;
        } else if (e.directory) {
            entry_ino = IsoFileSystem::directory_ino(e.sections[0].sector);
        }
        return emit(ctx, { StringView(e.name, e.name_length), entry_ino, type, e.next });
    });
}

ErrorOr<size_t> IsoNode::read(uint64_t offset, IoBuffer buf, size_t n)
{
    if (is_directory())
        return err(EISDIR);
    if (!is_regular())
        return err(EINVAL);
    if (offset >= m_size)
        return 0;
    n = size_t(kstd::min<uint64_t>(n, m_size - offset));
    size_t done = 0;
    uint64_t section_start = 0;
    for (const IsoSection& s : m_sections) {
        uint64_t section_end = section_start + s.size;
        while (done < n && offset + done < section_end && offset + done >= section_start) {
            uint64_t within = offset + done - section_start;
            uint64_t number = s.sector + within / kSector;
            size_t in = size_t(within % kSector);
            size_t chunk = size_t(kstd::min<uint64_t>(kstd::min<uint64_t>(n - done, kSector - in), section_end - offset - done));
            if (!iso().is_cached(number)) {
                // Read ahead the rest of the section (up to a cluster) with one request.
                uint64_t left = (section_end - offset - done + in + kSector - 1) / kSector;
                TRY(iso().prefetch(number, uint32_t(kstd::min<uint64_t>(left, BufferCache::kMaxCluster))));
            }
            BufferRef b = TRY(iso().sector(number, "file data"));
            if (auto copied = buf.write_from(done, b.data() + in, chunk); copied.is_error()) {
                if (done)
                    return done;
                return copied.error();
            }
            done += chunk;
        }
        section_start = section_end;
        if (done == n)
            break;
    }
    return done;
}

ErrorOr<size_t> IsoNode::readlink(char* buf, size_t size)
{
    if (!is_symlink())
        return err(EINVAL);
    size_t n = kstd::min(size, m_link.size());
    memcpy(buf, m_link.begin(), n);
    return n;
}

} // namespace husk
