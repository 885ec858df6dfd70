// An in-memory file system object (inode). File systems subclass it and
// override the operations they support; the defaults return the errno Linux
// gives for an object that cannot do that (e.g. ENOTDIR for lookup on a file).
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/StringView.h"
#include "../mm/SharedMemory.h"
#include "Credentials.h"
#include "IoBuffer.h"

namespace husk {

class FileSystem;
class File;
class FileCache;
struct Mount;

struct Timestamp {
    int64_t sec { 0 };
    int64_t nsec { 0 };
    static Timestamp now();
};

struct DirEntryView {
    kstd::StringView name;
    uint64_t ino;
    uint8_t type;          // linux::DT_*
    uint64_t next_cookie;  // where to resume after this entry
};
// Returns false to stop (e.g. the caller's buffer is full).
using DirEmit = bool (*)(void* ctx, const DirEntryView& entry);

// A page of a file's data that its file system keeps in memory and lends
// to the file's page cache (FileCache), held while the pin lives: ext2's
// buffer of a 4 KiB block, so that a mapped file's page and its block are
// one copy. mark_dirty: the page was written (through a mapping); the file
// system writes it back with its blocks.
class PagePin : public kstd::RefCounted<PagePin>, public kstd::HeapObject {
public:
    virtual ~PagePin() = default;
    virtual void* page() const = 0;
    virtual void mark_dirty() = 0;
};

// A change of a vnode's metadata (Linux's iattr): mask says which fields
// to set. The VFS decides whether the change is allowed; Vnode::setattr
// makes it.
struct AttrChange {
    enum : unsigned { Mode = 1, Uid = 2, Gid = 4, Size = 8, Atime = 16, Mtime = 32, Ctime = 64 };
    unsigned mask { 0 };
    uint32_t mode { 0 }; // permission bits (07777); the type never changes
    uint32_t uid { 0 }, gid { 0 };
    uint64_t size { 0 };
    Timestamp atime, mtime, ctime;
};

class Vnode : public kstd::RefCounted<Vnode>, public kstd::HeapObject {
public:
    virtual ~Vnode();

    FileSystem& fs() const { return *m_fs; }
    uint64_t ino() const { return m_ino; }
    uint32_t mode() const { return m_mode; }
    bool is_directory() const { return linux::is_dir(m_mode); }
    bool is_regular() const { return linux::is_reg(m_mode); }
    bool is_symlink() const { return linux::is_lnk(m_mode); }
    uint32_t uid() const { return m_uid; }
    uint32_t gid() const { return m_gid; }
    uint32_t nlink() const { return m_nlink; }
    uint64_t size() const { return m_size; }
    uint64_t rdev() const { return m_rdev; }
    Timestamp atime() const { return m_atime; }
    Timestamp mtime() const { return m_mtime; }
    Timestamp ctime() const { return m_ctime; }

    // The one way metadata changes from outside the file system: a size
    // goes through truncate(), the rest is set here and persisted with
    // write_metadata() (both the file system's).
    kstd::ErrorOr<void> setattr(const AttrChange& change);

    // Mount bookkeeping, owned by the VFS.
    Mount* mounted_here { nullptr };   // a file system is mounted on this vnode
    Mount* root_of_mount { nullptr };  // this vnode is the root of that mount

    // --- directory operations
    virtual kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name);
    // Creates a node of the type in mode: the VFS asks only for the types
    // file systems hold (regular files, socket names).
    virtual kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView name, uint32_t mode, const Credentials&, uint64_t rdev);
    virtual kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView name, uint32_t mode, const Credentials&);
    virtual kstd::ErrorOr<kstd::RefPtr<Vnode>> symlink(kstd::StringView name, kstd::StringView target, const Credentials&);
    virtual kstd::ErrorOr<void> link(kstd::StringView name, Vnode& target);
    virtual kstd::ErrorOr<void> unlink(kstd::StringView name);
    virtual kstd::ErrorOr<void> rmdir(kstd::StringView name);
    // Moves old_name here to new_dir/new_name, replacing what is there. The
    // VFS has already checked types, emptiness is the fs's to check (ENOTEMPTY).
    virtual kstd::ErrorOr<void> rename(kstd::StringView old_name, Vnode& new_dir, kstd::StringView new_name);
    virtual kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx);
    // Entries made on first use rather than now (boot's /etc): fill runs
    // once, before the directory's first operation, and what it makes is
    // what an eager fill would have made (the directory's own times
    // included). False: this file system cannot wait; the caller fills now.
    using DirectoryFill = kstd::ErrorOr<void> (*)(Vnode& directory);
    virtual bool fill_on_first_use(DirectoryFill) { return false; }

    // --- data
    virtual kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n);
    // The text is made from kernel state at each read (procfs): a
    // description reading it in order keeps the text of its first read
    // (VnodeFile), as Linux's seq_file does, so small reads fit together.
    virtual bool is_generated_text() const { return false; }
    virtual kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n);
    virtual kstd::ErrorOr<size_t> readlink(char* buf, size_t size);
    // SEEK_DATA / SEEK_HOLE support: next data/hole offset at or after offset.
    virtual kstd::ErrorOr<uint64_t> seek_data(uint64_t offset, bool want_hole);
    virtual kstd::ErrorOr<void> sync();
    // The pages that hold the file's data, for mmap(MAP_SHARED) to map:
    // writes through the mapping are the file's, and read(2), write(2) and
    // truncation act on the same pages. ENODEV where the file system keeps
    // data elsewhere (ext2's blocks: mmap then makes a private copy).
    virtual kstd::ErrorOr<kstd::RefPtr<SharedMemory>> shared_pages();
    // The vnode holding this one's data (an overlay's file: its layer's),
    // whose pages exec maps a program's segments from.
    virtual Vnode& data_vnode() { return *this; }
    // The FileCache of this vnode while a mapping views it (it sets this;
    // ext2's shared_pages makes it).
    FileCache* page_cache() const { return m_page_cache; }
    // Page `index` of the file's data as the file system holds it in
    // memory, pinned there (see PagePin); null where it has none to lend
    // (a hole, blocks smaller than a page, a file system without blocks):
    // the page cache then keeps a copy of its own.
    virtual kstd::ErrorOr<kstd::RefPtr<PagePin>> pin_page(uint64_t index);
    void set_page_cache(FileCache* cache) { m_page_cache = cache; }

    // --- metadata
    virtual uint64_t blocks() const { return 0; } // 512-byte units in use
    // Readiness for poll(): regular files and directories are always ready.
    virtual short poll_events() const { return linux::POLLIN | linux::POLLOUT | linux::POLLRDNORM | linux::POLLWRNORM; }

    // Linux's i_writecount: descriptors open for writing (> 0) or programs
    // running the file (< 0), which exclude each other: ETXTBSY for an
    // open for writing or a truncate of a running program, and for an
    // execve of a file open for writing.
    kstd::ErrorOr<void> get_write_access();
    void put_write_access() { --m_write_count; }
    kstd::ErrorOr<void> deny_write_access();
    void allow_write_access() { ++m_write_count; }
    bool is_open_for_writing() const { return m_write_count > 0; }

    // Device nodes give their own open file description (it sees the
    // status flags, e.g. O_NONBLOCK); null means "use a plain VnodeFile".
    virtual kstd::ErrorOr<kstd::RefPtr<File>> open_device(int flags);

protected:
    Vnode(FileSystem& fs, uint64_t ino, uint32_t mode);

    // setattr's file system half: a new size (the file system also sets
    // mtime and ctime), and storing the metadata below.
    virtual kstd::ErrorOr<void> truncate(uint64_t size);
    virtual kstd::ErrorOr<void> write_metadata() { return {}; }

    // A file system's bookkeeping on another of its vnodes: a name for v
    // came (+1) or went (-1), or v was otherwise changed (ctime).
    static void count_link(Vnode& v, int delta);
    static void mark_changed(Vnode& v) { v.m_ctime = Timestamp::now(); }

    // Metadata kept here for every file system; it persists it in
    // write_metadata().
    uint32_t m_mode { 0 };
    uint32_t m_uid { 0 }, m_gid { 0 };
    uint32_t m_nlink { 1 };
    uint64_t m_size { 0 };
    uint64_t m_rdev { 0 };
    Timestamp m_atime, m_mtime, m_ctime;

private:
    FileSystem* m_fs;
    uint64_t m_ino;
    FileCache* m_page_cache { nullptr };
    int m_write_count { 0 };
};

} // namespace husk
