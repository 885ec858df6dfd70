#include "IsoFileSystem.h"
#include <stdarg.h>
#include "../../core/Log.h"
#include "../../kstd/Format.h"
#include "../../kstd/Memory.h"
#include "IsoEntries.h"
#include "IsoFormat.h"
#include "IsoNode.h"

namespace husk {

using namespace kstd::errno_values;
using namespace iso9660;

namespace {

bool is_all_zero(const uint8_t* p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (p[i])
            return false;
    return true;
}

bool is_joliet(const uint8_t* d)
{
    const uint8_t* e = d + vd::escapes;
    return e[0] == '%' && e[1] == '/' && (e[2] == '@' || e[2] == 'C' || e[2] == 'E');
}

} // namespace

IsoFileSystem::IsoFileSystem(BlockDevice& device) : m_device(device) {}

IsoFileSystem::~IsoFileSystem()
{
    m_root.clear();
    BufferCache::invalidate(m_device);
    m_device.release();
}

kstd::Error IsoFileSystem::corrupt(const char* fmt, ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    kstd::vformat(message, sizeof message, fmt, ap);
    va_end(ap);
    klog(LogLevel::Error, "iso9660: %s: %s", m_device.name(), message);
    return err(EUCLEAN);
}

void IsoFileSystem::register_type() { FileSystemTypes::add({ "iso9660", create, true, recognizes }); }

bool IsoFileSystem::recognizes(BlockDevice& device)
{
    // Device reads are whole sectors (of 512 to 2048 bytes): read one ISO sector.
    if (device.size_bytes() < (kFirstDescriptor + 1) * kSector)
        return false;
    auto* head = static_cast<uint8_t*>(kstd::kmalloc(kSector));
    if (!head)
        return false;
    bool found = !device.read(kFirstDescriptor * kSector, head, kSector).is_error() && memcmp(head + vd::id, kStandardId, 5) == 0;
    kstd::kfree(head);
    return found;
}

ErrorOr<FileSystem*> IsoFileSystem::create(kstd::StringView source, unsigned long, kstd::StringView)
{
    BlockDevice* device = BlockDevice::find(source);
    if (!device) {
        klog(LogLevel::Error, "iso9660: %.*s: no such block device", int(source.length()), source.data());
        return err(ENXIO);
    }
    if (!device->claim()) {
        klog(LogLevel::Error, "iso9660: %s: already mounted", device->name());
        return err(EBUSY);
    }
    auto* fs = new IsoFileSystem(*device);
    if (!fs) {
        device->release();
        return err(ENOMEM);
    }
    fs->set_read_only(true); // whatever the flags asked: ISO 9660 is read-only
    if (auto r = fs->load(); r.is_error()) {
        delete fs;
        return r.error();
    }
    return fs;
}

ErrorOr<BufferRef> IsoFileSystem::sector(uint64_t number, const char* what)
{
    if (number >= m_volume_sectors)
        return corrupt("%s at sector %lu is past the end of the volume (%lu sectors)", what, (unsigned long)number,
                       (unsigned long)m_volume_sectors);
    return BufferCache::get(m_device, number, kSector);
}

ErrorOr<void> IsoFileSystem::prefetch(uint64_t first, uint32_t count)
{
    if (count > 1 && first + count <= m_volume_sectors)
        TRY(BufferCache::prefetch(m_device, first, count, kSector));
    return {};
}

ErrorOr<void> IsoFileSystem::load()
{
    uint64_t device_sectors = m_device.size_bytes() / kSector;
    if (device_sectors <= kFirstDescriptor) {
        klog(LogLevel::Error, "iso9660: %s: truncated: %lu bytes hold no volume descriptor (sector 16)", m_device.name(),
             (unsigned long)m_device.size_bytes());
        return err(EINVAL);
    }
    // The descriptors are read before the volume size is known.
    m_volume_sectors = device_sectors;
    uint64_t primary = 0, joliet = 0;
    bool terminated = false;
    for (uint64_t s = kFirstDescriptor; s < kFirstDescriptor + kMaxDescriptors && !terminated; ++s) {
        // CD001 at sector 16 said ISO 9660: from here on, a short device is a
        // damaged image (EUCLEAN), not another file system (EINVAL).
        if (s >= device_sectors)
            return corrupt("truncated: the volume descriptors run past the end of the device (sector %lu)", (unsigned long)s);
        BufferRef b = TRY(sector(s, "a volume descriptor"));
        const uint8_t* d = b.data();
        if (memcmp(d + vd::id, kStandardId, 5) != 0) {
            if (s == kFirstDescriptor) {
                klog(LogLevel::Error, "iso9660: %s: %s at sector 16 (no CD001: not an ISO 9660 image)", m_device.name(),
                     is_all_zero(d, kSector) ? "zeroed volume descriptor" : "no volume descriptor");
                return err(EINVAL);
            }
            return corrupt("volume descriptor at sector %lu is %s (no CD001 before a terminator)", (unsigned long)s,
                           is_all_zero(d, kSector) ? "zeroed" : "damaged");
        }
        if (d[vd::type] == vd::kPrimary && !primary)
            primary = s;
        else if (d[vd::type] == vd::kSupplementary && !joliet && is_joliet(d))
            joliet = s;
        else if (d[vd::type] == vd::kTerminator)
            terminated = true;
    }
    if (!terminated)
        return corrupt("no volume descriptor set terminator in the first %u descriptors", kMaxDescriptors);
    if (!primary)
        return corrupt("no primary volume descriptor");

    BufferRef pvd = TRY(sector(primary, "the primary volume descriptor"));
    uint32_t block_size = le16(pvd.data() + vd::block_size);
    if (block_size != kSector)
        return corrupt("logical block size %u is not supported (2048 is)", block_size);
    uint64_t space = le32(pvd.data() + vd::space_size);
    if (space <= kFirstDescriptor)
        return corrupt("the primary volume descriptor says the volume has %lu sectors", (unsigned long)space);
    if (space > device_sectors)
        return corrupt("truncated: the volume has %lu sectors, the device holds %lu", (unsigned long)space,
                       (unsigned long)device_sectors);
    m_volume_sectors = space;

    // Rock Ridge: an SP entry in the primary root's "." record.
    const uint8_t* root = pvd.data() + vd::root_record;
    uint32_t root_extent = le32(root + dr::extent) + root[dr::ext_attr_length];
    BufferRef first = TRY(sector(root_extent, "the root directory"));
    const uint8_t* dot = first.data();
    if (dot[dr::length] >= dr::kMinLength && dot[dr::name_length] == 1 && dot[dr::name] == 0) {
        size_t at = dr::system_use(dot);
        if (at + 7 <= dot[dr::length] && dot[at] == 'S' && dot[at + 1] == 'P' && dot[at + 2] >= 7 && dot[at + 4] == 0xBE
            && dot[at + 5] == 0xEF) {
            m_rock = true;
            m_susp_skip = dot[at + 6];
        }
    }
    if (!m_rock && joliet) {
        BufferRef svd = TRY(sector(joliet, "the Joliet volume descriptor"));
        root_extent = le32(svd.data() + vd::root_record + dr::extent) + svd.data()[vd::root_record + dr::ext_attr_length];
        m_joliet = true;
    }
    m_root_extent = root_extent;
    m_root = TRY(directory(root_extent));
    if (m_root->parent_extent() != root_extent)
        return corrupt("the root directory's \"..\" leads to sector %u, not to itself", m_root->parent_extent());
    TRY(check_root());
    klog(LogLevel::Info, "iso9660: %s: %lu sectors, %s names", m_device.name(), (unsigned long)space,
         m_rock ? "Rock Ridge" : m_joliet ? "Joliet" : "ISO 9660");
    return {};
}

ErrorOr<void> IsoFileSystem::check_root()
{
    // The root's entries are checked now, so the common damages (a
    // directory leading to itself, an extent past the end) fail the mount
    // with their name; deeper ones fail the lookup that meets them.
    ErrorOr<void> result {};
    TRY(for_each_entry({ m_root->extent(), uint32_t(m_root->size()) }, 0, [&](IsoEntry& entry) {
        if (entry.kind != IsoEntry::Kind::Normal)
            return true;
        auto node = node_for(entry, *m_root);
        if (node.is_error()) {
            result = node.error();
            return false;
        }
        return true;
    }));
    return result;
}

RefPtr<Vnode> IsoFileSystem::root() { return m_root; }

void IsoFileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_type = linux::ISOFS_SUPER_MAGIC;
    out.f_bsize = out.f_frsize = kSector;
    out.f_blocks = m_volume_sectors;
    out.f_namelen = linux::NAME_MAX;
    out.f_fsid[0] = int32_t(device_id());
    out.f_flags = linux::MS_RDONLY;
}

ErrorOr<void> IsoFileSystem::check_sections(const IsoEntry& entry)
{
    for (const IsoSection& s : entry.sections) {
        uint64_t sectors = (uint64_t(s.size) + kSector - 1) / kSector;
        if (s.size && (s.sector < kFirstDescriptor || s.sector + sectors > m_volume_sectors))
            return corrupt("'%.*s': extent at sector %u of %u bytes is past the end of the volume (%lu sectors)",
                           int(entry.name_length), entry.name, s.sector, s.size, (unsigned long)m_volume_sectors);
    }
    return {};
}

ErrorOr<RefPtr<IsoNode>> IsoFileSystem::directory(uint32_t extent)
{
    uint64_t ino = directory_ino(extent);
    if (RefPtr<Vnode> cached = vnode_cache().find(ino))
        return RefPtr<IsoNode>(static_cast<IsoNode*>(cached.ptr()));
    BufferRef b = TRY(sector(extent, "a directory"));
    const uint8_t* r = b.data();
    if (r[dr::length] < dr::kMinLength || r[dr::name_length] != 1 || r[dr::name] != 0 || !(r[dr::flags] & dr::kDirectory))
        return corrupt("the directory at sector %u does not start with its \".\" record", extent);
    IsoEntry self;
    TRY(parse_record(r, ino, extent == m_root_extent, self, nullptr));
    if (self.sections.size() != 1 || self.sections[0].sector != extent)
        return corrupt("the \".\" record of the directory at sector %u names sector %u", extent,
                       self.sections.size() ? self.sections[0].sector : 0);
    if (self.size == 0 || self.size % kSector)
        return corrupt("the directory at sector %u has size %lu, not a whole number of sectors", extent, (unsigned long)self.size);
    self.name_length = 0;
    TRY(check_sections(self));
    // "..": the parent, or for a relocated directory its PL entry.
    size_t next = r[dr::length];
    if (next + dr::kMinLength > kSector || r[next + dr::length] < dr::kMinLength || next + r[next + dr::length] > kSector
        || r[next + dr::name_length] != 1 || r[next + dr::name] != 1)
        return corrupt("the directory at sector %u has no \"..\" record after \".\"", extent);
    IsoEntry up;
    TRY(parse_record(r + next, ino + next, false, up, nullptr));
    uint32_t parent = up.parent_link ? up.parent_link : (up.sections.size() ? up.sections[0].sector : 0);
    RefPtr<IsoNode> node = TRY(IsoNode::make(*this, ino, self, {}));
    node->set_parent_extent(parent);
    TRY(vnode_cache().insert(*node));
    return node;
}

ErrorOr<RefPtr<Vnode>> IsoFileSystem::node_for(IsoEntry& entry, IsoNode& parent)
{
    if (entry.directory || entry.child_link) {
        uint32_t target = entry.child_link ? entry.child_link : entry.sections[0].sector;
        if (target == parent.extent() || target == m_root_extent)
            return corrupt("directory '%.*s' in the directory at sector %u leads back to %s (a loop)", int(entry.name_length),
                           entry.name, parent.extent(), target == m_root_extent ? "the root" : "that directory itself");
        if (!entry.child_link)
            TRY(check_sections(entry));
        RefPtr<IsoNode> dir = TRY(directory(target));
        if (dir->parent_extent() != parent.extent())
            return corrupt("directory '%.*s' at sector %u says its parent is at sector %u, not %u", int(entry.name_length),
                           entry.name, target, dir->parent_extent(), parent.extent());
        return RefPtr<Vnode>(dir);
    }
    if (RefPtr<Vnode> cached = vnode_cache().find(entry.position))
        return cached;
    TRY(check_sections(entry));
    kstd::Vector<char> link;
    if (m_rock && linux::is_lnk(entry.mode)) {
        // The target is collected only now: it may be long, and spread over continuation areas.
        BufferRef b = TRY(sector(entry.position / kSector, "a directory"));
        IsoEntry again;
        TRY(parse_record(b.data() + entry.position % kSector, entry.position, false, again, &link));
    }
    RefPtr<IsoNode> node = TRY(IsoNode::make(*this, entry.position, entry, kstd::move(link)));
    TRY(vnode_cache().insert(*node));
    return RefPtr<Vnode>(node);
}

} // namespace husk
