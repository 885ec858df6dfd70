// One directory record -> IsoEntry: the ISO 9660 fields, the name (Rock
// Ridge NM, else Joliet UCS-2, else the 8.3 name as Linux translates it),
// and the Rock Ridge entries of the system use area and its continuations.
#include "../../core/Log.h"
#include "IsoFileSystem.h"
#include "IsoFormat.h"

namespace husk {

using namespace kstd::errno_values;
using namespace iso9660;

namespace {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = unsigned(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

Timestamp make_time(int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute, unsigned second,
                    int8_t zone, int64_t nsec)
{
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return {};
    int64_t t = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    if (zone >= -52 && zone <= 52) // GMT offset in 15-minute units, as Linux's iso_date
        t -= int64_t(zone) * 15 * 60;
    return { t, nsec };
}

// The 7-byte form of directory records and TF entries.
Timestamp short_date(const uint8_t* p) { return make_time(1900 + p[0], p[1], p[2], p[3], p[4], p[5], int8_t(p[6]), 0); }

// The 17-byte form ("YYYYMMDDHHMMSScc" and a zone), TF's long form.
Timestamp long_date(const uint8_t* p)
{
    auto digits = [&](size_t at, size_t n) {
        int64_t v = 0;
        for (size_t i = 0; i < n; ++i)
            v = v * 10 + ((p[at + i] >= '0' && p[at + i] <= '9') ? p[at + i] - '0' : 0);
        return v;
    };
    return make_time(digits(0, 4), unsigned(digits(4, 2)), unsigned(digits(6, 2)), unsigned(digits(8, 2)),
                     unsigned(digits(10, 2)), unsigned(digits(12, 2)), int8_t(p[16]), digits(14, 2) * 10000000);
}

bool put_utf8(char* out, size_t& n, size_t cap, uint32_t c)
{
    char b[4];
    size_t k;
    if (c < 0x80) {
        b[0] = char(c), k = 1;
    } else if (c < 0x800) {
        b[0] = char(0xc0 | (c >> 6)), b[1] = char(0x80 | (c & 0x3f)), k = 2;
    } else if (c < 0x10000) {
        b[0] = char(0xe0 | (c >> 12)), b[1] = char(0x80 | ((c >> 6) & 0x3f)), b[2] = char(0x80 | (c & 0x3f)), k = 3;
    } else {
        b[0] = char(0xf0 | (c >> 18)), b[1] = char(0x80 | ((c >> 12) & 0x3f)), b[2] = char(0x80 | ((c >> 6) & 0x3f));
        b[3] = char(0x80 | (c & 0x3f)), k = 4;
    }
    if (n + k > cap)
        return false;
    memcpy(out + n, b, k);
    n += k;
    return true;
}

// Appends to a symlink target (at most PATH_MAX - 1 bytes).
bool put_link(kstd::Vector<char>& link, const void* p, size_t n)
{
    if (link.size() + n >= linux::PATH_MAX)
        return false;
    size_t at = link.size();
    if (!link.resize(at + n))
        return false;
    memcpy(link.begin() + at, p, n);
    return true;
}

} // namespace

ErrorOr<void> IsoFileSystem::set_name(IsoEntry& e, const uint8_t* r)
{
    const uint8_t* raw = r + dr::name;
    size_t raw_length = r[dr::name_length];
    size_t n = 0;
    if (m_joliet) {
        // UCS-2 big-endian (UTF-16 surrogate pairs joined), as Linux's utf8 Joliet.
        for (size_t i = 0; i + 1 < raw_length; i += 2) {
            uint32_t c = uint32_t(raw[i] << 8 | raw[i + 1]);
            if (c >= 0xd800 && c < 0xdc00 && i + 3 < raw_length) {
                uint32_t low = uint32_t(raw[i + 2] << 8 | raw[i + 3]);
                if (low >= 0xdc00 && low < 0xe000) {
                    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                    i += 2;
                }
            }
            if (!put_utf8(e.name, n, sizeof e.name - 1, c))
                return corrupt("a Joliet name in the record at byte %lu is longer than 255 bytes", (unsigned long)e.position);
        }
        if (n > 2 && e.name[n - 2] == ';' && e.name[n - 1] == '1')
            n -= 2;
        while (n >= 2 && e.name[n - 1] == '.')
            n--;
    } else {
        // Linux's isofs_name_translate (map=normal): lower case, no ";1" version, ';' -> '.'.
        for (size_t i = 0; i < raw_length; ++i) {
            char c = char(raw[i]);
            if (c == ';' && i == raw_length - 2 && raw[i + 1] == '1')
                break;
            if (c == '.' && i == raw_length - 3 && raw[i + 1] == ';' && raw[i + 2] == '1')
                break;
            if (c == ';')
                c = '.';
            if (c >= 'A' && c <= 'Z')
                c = char(c - 'A' + 'a');
            e.name[n++] = c;
        }
    }
    e.name_length = n;
    return {};
}

template<typename Visit>
ErrorOr<void> IsoFileSystem::for_each_susp(const uint8_t* r, uint64_t position, bool root_dot, Visit visit)
{
    size_t start = dr::system_use(r) + (root_dot ? 0 : m_susp_skip);
    const uint8_t* area = r + start;
    size_t length = r[dr::length] > start ? r[dr::length] - start : 0;
    BufferRef held;
    uint32_t continuations = 0;
    for (;;) {
        bool more = false;
        uint64_t ce_sector = 0;
        uint32_t ce_offset = 0, ce_length = 0;
        for (size_t at = 0; at + 4 <= length;) {
            const uint8_t* p = area + at;
            if (p[0] == 0)
                break; // padding
            uint8_t len = p[2];
            if (len < 4 || at + len > length) {
                // Linux ignores the rest of the record's entries (genisoimage
                // writes such for symlinks of more than about 500 bytes).
                klog(LogLevel::Warning,
                     "iso9660: %s: Rock Ridge entry '%c%c' (length %u) overruns its area at record byte %lu (%lu bytes "
                     "left): the rest is ignored",
                     m_device.name(), p[0] >= ' ' && p[0] < 127 ? p[0] : '?', p[1] >= ' ' && p[1] < 127 ? p[1] : '?', len,
                     (unsigned long)position, (unsigned long)(length - at));
                return {};
            }
            uint16_t s = rr::sig(char(p[0]), char(p[1]));
            if (s == rr::sig('S', 'T'))
                break;
            if (s == rr::sig('C', 'E') && len >= 28) {
                more = true;
                ce_sector = le32(p + 4);
                ce_offset = le32(p + 12);
                ce_length = le32(p + 20);
            } else {
                TRY(visit(s, p, size_t(len)));
            }
            at += len;
        }
        if (!more)
            return {};
        if (++continuations > rr::kMaxContinuations)
            return corrupt("more than %u Rock Ridge continuation areas for one record (a loop?)", rr::kMaxContinuations);
        if (ce_offset >= kSector || ce_length > kSector - ce_offset)
            return corrupt("Rock Ridge continuation area (sector %lu, byte %u, %u bytes) crosses its sector",
                           (unsigned long)ce_sector, ce_offset, ce_length);
        held = TRY(sector(ce_sector, "a Rock Ridge continuation area"));
        area = held.data() + ce_offset;
        length = ce_length;
    }
}

ErrorOr<void> IsoFileSystem::parse_record(const uint8_t* r, uint64_t position, bool root_dot, IsoEntry& e,
                                          kstd::Vector<char>* link)
{
    e.position = position;
    uint8_t flags = r[dr::flags];
    e.directory = flags & dr::kDirectory;
    uint64_t start = uint64_t(le32(r + dr::extent)) + r[dr::ext_attr_length];
    if (start > 0xffffffffu)
        return corrupt("the record at byte %lu names sector %lu", (unsigned long)position, (unsigned long)start);
    uint32_t size = le32(r + dr::size);
    if (r[dr::unit_size] || r[dr::gap]) {
        klog(LogLevel::Warning, "iso9660: %s: interleaved files are not supported (record at byte %lu reads as empty)",
             m_device.name(), (unsigned long)position);
        size = 0;
    }
    e.sections.clear();
    if (!e.sections.append({ uint32_t(start), size }))
        return err(ENOMEM);
    e.size = size;
    e.atime = e.mtime = e.ctime = short_date(r + dr::date);
    // Without Rock Ridge, Linux's defaults: r-x for all, one link, root's.
    e.mode = (e.directory ? linux::S_IFDIR : linux::S_IFREG) | 0555;
    e.nlink = 1;
    uint8_t raw_length = r[dr::name_length];
    if (raw_length == 1 && r[dr::name] == 0)
        e.kind = IsoEntry::Kind::Dot;
    else if (raw_length == 1 && r[dr::name] == 1)
        e.kind = IsoEntry::Kind::DotDot;
    else if (flags & dr::kAssociated)
        e.kind = IsoEntry::Kind::Hidden;
    else
        TRY(set_name(e, r));
    if (!m_rock)
        return {};

    char name[256];
    size_t name_length = 0;
    bool has_name = false, link_root = false, link_continues = false;
    TRY(for_each_susp(r, position, root_dot, [&](uint16_t sig, const uint8_t* p, size_t len) -> ErrorOr<void> {
        switch (sig) {
        case rr::sig('P', 'X'):
            if (len < 36)
                return corrupt("Rock Ridge PX entry of %lu bytes at record byte %lu", (unsigned long)len, (unsigned long)position);
            e.has_px = true;
            e.mode = le32(p + 4);
            e.nlink = le32(p + 12);
            e.uid = le32(p + 20);
            e.gid = le32(p + 28);
            break;
        case rr::sig('P', 'N'):
            if (len >= 20) {
                uint32_t high = le32(p + 4), low = le32(p + 12);
                e.rdev = ((low & ~0xffu) && high == 0) ? linux::makedev(low >> 8, low & 0xff) : linux::makedev(high, low);
            }
            break;
        case rr::sig('N', 'M'):
            if (len < 5 || (p[4] & (rr::kNameCurrent | rr::kNameParent)))
                break;
            if (name_length + (len - 5) > 255)
                return corrupt("Rock Ridge name at record byte %lu is longer than 255 bytes", (unsigned long)position);
            memcpy(name + name_length, p + 5, len - 5);
            name_length += len - 5;
            has_name = true;
            break;
        case rr::sig('S', 'L'):
            // Components: flags, length, text; '/' between them unless one
            // continues into the next (Linux's get_symlink_chunk).
            if (!link || len < 5)
                break;
            for (size_t at = 5; at + 2 <= len;) {
                uint8_t cflags = p[at], clen = p[at + 1];
                if (at + 2 + clen > len)
                    return corrupt("Rock Ridge SL component overruns its entry at record byte %lu", (unsigned long)position);
                if (link->size() && !link_root && !link_continues && !put_link(*link, "/", 1))
                    return corrupt("symlink target at record byte %lu is too long", (unsigned long)position);
                link_root = false;
                bool ok = true;
                switch (cflags & ~rr::kSlContinue) {
                case 0: ok = put_link(*link, p + at + 2, clen); break;
                case rr::kSlCurrent: ok = put_link(*link, ".", 1); break;
                case rr::kSlParent: ok = put_link(*link, "..", 2); break;
                case rr::kSlRoot:
                    ok = put_link(*link, "/", 1);
                    link_root = true;
                    break;
                default: break;
                }
                if (!ok)
                    return corrupt("symlink target at record byte %lu is too long", (unsigned long)position);
                link_continues = cflags & rr::kSlContinue;
                at += 2 + clen;
            }
            break;
        case rr::sig('T', 'F'): {
            if (len < 5)
                break;
            uint8_t tf = p[4];
            size_t width = (tf & rr::kTfLongForm) ? 17 : 7;
            size_t at = 5;
            auto next = [&](Timestamp& t) {
                if (at + width <= len)
                    t = width == 17 ? long_date(p + at) : short_date(p + at);
                at += width;
            };
            // Some writers put ctime in the creation slot; attributes wins when both are there (Linux).
            if (tf & rr::kTfCreate)
                next(e.ctime);
            if (tf & rr::kTfModify)
                next(e.mtime);
            if (tf & rr::kTfAccess)
                next(e.atime);
            if (tf & rr::kTfAttributes)
                next(e.ctime);
            break;
        }
        case rr::sig('R', 'E'):
            e.kind = IsoEntry::Kind::Hidden;
            break;
        case rr::sig('C', 'L'):
            if (len < 12 || le32(p + 4) == 0)
                return corrupt("bad Rock Ridge CL entry at record byte %lu", (unsigned long)position);
            e.child_link = le32(p + 4);
            break;
        case rr::sig('P', 'L'):
            if (len < 12 || le32(p + 4) == 0)
                return corrupt("bad Rock Ridge PL entry at record byte %lu", (unsigned long)position);
            e.parent_link = le32(p + 4);
            break;
        default: break;
        }
        return {};
    }));
    if (has_name && e.kind == IsoEntry::Kind::Normal) {
        memcpy(e.name, name, name_length);
        e.name_length = name_length;
    }
    if (e.has_px && e.kind != IsoEntry::Kind::DotDot) { // genisoimage leaves rr_moved's ".." mode 0; it is never used
        uint32_t type = e.mode & linux::S_IFMT;
        bool known = type == linux::S_IFREG || type == linux::S_IFDIR || type == linux::S_IFLNK || type == linux::S_IFCHR
            || type == linux::S_IFBLK || type == linux::S_IFIFO || type == linux::S_IFSOCK;
        if (!known || (type == linux::S_IFDIR) != (e.directory || e.child_link != 0))
            return corrupt("Rock Ridge mode 0%o of the record at byte %lu disagrees with its %s record", e.mode,
                           (unsigned long)position, e.directory ? "directory" : "file");
    }
    if (e.kind == IsoEntry::Kind::Normal) {
        StringView n(e.name, e.name_length);
        if (n.is_empty() || n == "." || n == ".." || n.find('/') >= 0 || n.find('\0') >= 0)
            return corrupt("the record at byte %lu has an impossible name '%.*s'", (unsigned long)position, int(n.length()),
                           n.data());
    }
    return {};
}

} // namespace husk
