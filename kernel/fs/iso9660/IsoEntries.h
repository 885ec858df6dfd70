// IsoFileSystem::for_each_entry: the one directory walker. Records never
// cross a sector (a zero length byte pads the rest of one); each record is
// checked before use; the records of a multi-extent file become one entry.
#pragma once

#include "IsoFileSystem.h"
#include "IsoFormat.h"

namespace husk {

template<typename Visit>
kstd::ErrorOr<void> IsoFileSystem::for_each_entry(IsoSection dir, uint64_t from, Visit visit)
{
    using namespace iso9660;
    constexpr size_t kMaxSections = 65536; // 256 TiB: more is a damaged directory
    IsoEntry entry;
    bool pending = false; // a multi-extent file whose last section is still to come
    BufferRef b;
    uint64_t offset = from;
    while (offset < dir.size) {
        uint64_t number = dir.sector + offset / kSector;
        if (!b || b.block() != number)
            b = TRY(sector(number, "a directory"));
        size_t in = offset % kSector;
        const uint8_t* r = b.data() + in;
        uint8_t length = r[dr::length];
        if (length == 0) {
            offset = (offset / kSector + 1) * kSector;
            continue;
        }
        if (length < dr::kMinLength || in + length > kSector || dr::name + r[dr::name_length] > length)
            return corrupt("the directory at sector %u has a bad record at byte %lu (length %u, name length %u)", dir.sector,
                           (unsigned long)offset, length, r[dr::name_length]);
        uint64_t position = uint64_t(dir.sector) * kSector + offset;
        offset += length;
        if (pending) {
            uint64_t start = uint64_t(le32(r + dr::extent)) + r[dr::ext_attr_length];
            uint32_t size = le32(r + dr::size);
            if (start > 0xffffffffu || entry.sections.size() >= kMaxSections)
                return corrupt("multi-extent file '%.*s' has a bad section at byte %lu of the directory at sector %u",
                               int(entry.name_length), entry.name, (unsigned long)(offset - length), dir.sector);
            if (!entry.sections.append({ uint32_t(start), size }))
                return kstd::err(kstd::ENOMEM);
            entry.size += size;
            if (r[dr::flags] & dr::kMultiExtent)
                continue;
            pending = false;
        } else {
            entry = IsoEntry {};
            TRY(parse_record(r, position, dir.sector == m_root_extent && position % kSector == 0 && offset == length,
                             entry, nullptr));
            if (r[dr::flags] & dr::kMultiExtent) {
                pending = true;
                continue;
            }
        }
        entry.next = offset;
        if (!visit(entry))
            return {};
    }
    if (pending)
        return corrupt("multi-extent file '%.*s' ends without its last section", int(entry.name_length), entry.name);
    return {};
}

} // namespace husk
