// ISO 9660 (CD-ROM images), read-only: the primary volume descriptor, with
// Rock Ridge (POSIX names, modes, owners, link counts, symlinks, times,
// relocated deep directories) when the root says so, else Joliet's UCS-2
// names when a Joliet descriptor exists, else plain 8.3 names, the order
// Linux's isofs chooses. Every field read from the image is checked; a bad
// one is a log line naming it and EUCLEAN (EINVAL when it is no ISO at all).
// Sectors come through the buffer cache.
#pragma once

#include "../../block/BlockDevice.h"
#include "../../block/BufferCache.h"
#include "../../kstd/Vector.h"
#include "../../vfs/FileSystem.h"

namespace husk {

class IsoNode;

// One contiguous piece of a file's data (a multi-extent file has several).
struct IsoSection {
    uint32_t sector;
    uint32_t size;
};

// What the record(s) of one directory entry say, Rock Ridge applied.
struct IsoEntry {
    enum class Kind : uint8_t { Normal, Dot, DotDot, Hidden };
    Kind kind { Kind::Normal };
    uint64_t position { 0 }; // byte position of its first record in the volume
    uint64_t next { 0 };     // directory offset after its last record
    char name[256];
    size_t name_length { 0 };
    bool directory { false };
    kstd::Vector<IsoSection> sections;
    uint64_t size { 0 };
    bool has_px { false };
    uint32_t mode { 0 }, nlink { 1 }, uid { 0 }, gid { 0 };
    uint64_t rdev { 0 };
    Timestamp atime, mtime, ctime;
    uint32_t child_link { 0 };  // CL: the relocated directory this stands for
    uint32_t parent_link { 0 }; // PL (in ".."): the real parent of a relocated directory
};

class IsoFileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();
    // Whether the device holds an ISO 9660 volume descriptor ("CD001" at sector 16).
    static bool recognizes(BlockDevice& device);
    ~IsoFileSystem() override;

    const char* type_name() const override { return "iso9660"; }
    kstd::RefPtr<Vnode> root() override;
    void statfs(linux::statfs& out) override;

    // A sector of the volume, checked to lie inside it.
    kstd::ErrorOr<BufferRef> sector(uint64_t number, const char* what);
    kstd::ErrorOr<void> prefetch(uint64_t first, uint32_t count);
    bool is_cached(uint64_t number) const { return BufferCache::contains(m_device, number); }
    // Calls visit(IsoEntry&) for each entry of the directory whose data is
    // `section`, from byte offset `from`, until visit returns false.
    template<typename Visit>
    kstd::ErrorOr<void> for_each_entry(IsoSection section, uint64_t from, Visit visit);
    // The vnode for an entry of the directory `parent`; checks the entry's
    // extents and that a subdirectory does not lead back up (a loop).
    kstd::ErrorOr<kstd::RefPtr<Vnode>> node_for(IsoEntry& entry, IsoNode& parent);
    // The directory whose data starts at sector `extent` (read from its "." record).
    kstd::ErrorOr<kstd::RefPtr<IsoNode>> directory(uint32_t extent);
    static uint64_t directory_ino(uint32_t extent) { return uint64_t(extent) * 2048; }
    // Logs "iso9660: vda: <problem>" and returns EUCLEAN, for corrupt metadata.
    kstd::Error corrupt(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

private:
    explicit IsoFileSystem(BlockDevice& device);
    kstd::ErrorOr<void> load();
    kstd::ErrorOr<void> check_root();
    // Parses one directory record (at byte `position` of the volume) into
    // `entry`; collects a symlink target into `link` when not null.
    kstd::ErrorOr<void> parse_record(const uint8_t* record, uint64_t position, bool root_dot, IsoEntry& entry,
                                     kstd::Vector<char>* link);
    template<typename Visit>
    kstd::ErrorOr<void> for_each_susp(const uint8_t* record, uint64_t position, bool root_dot, Visit visit);
    kstd::ErrorOr<void> check_sections(const IsoEntry& entry);
    kstd::ErrorOr<void> set_name(IsoEntry& entry, const uint8_t* record);

    BlockDevice& m_device;
    uint64_t m_volume_sectors { 0 };
    uint32_t m_root_extent { 0 };
    bool m_rock { false };
    bool m_joliet { false };
    uint8_t m_susp_skip { 0 };
    kstd::RefPtr<IsoNode> m_root;
};

} // namespace husk
