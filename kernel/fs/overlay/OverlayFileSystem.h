// overlay: a writable file system in memory over a read-only one (Linux's
// overlayfs with a tmpfs upper layer; the container model). Reads fall
// through to the lower layer; writes, creations, renames, metadata changes
// and deletions stay in the upper layer: a regular file is copied up on
// open for writing, truncate or a metadata change, a deleted lower name is
// hidden by a whiteout (an empty file in the upper layer that the overlay
// knows by its inode number; Linux's is a 0:0 character device), and
// directories are merged on lookup and readdir.
//
// Which upper directories merge with the lower one at the same name: those
// copied up from it (their "origin", Linux's trusted.overlay.origin). A
// directory made in the upper layer has none, so it is opaque: mkdir over a
// whiteout hides the old lower contents. Objects copied up keep their lower
// inode number, so stat, readdir and getcwd agree before and after.
#pragma once

#include "../../kstd/HashMap.h"
#include "../../vfs/FileSystem.h"

namespace husk {

class OverlayVnode;

class OverlayFileSystem final : public FileSystem {
public:
    // Takes both file systems (they are deleted with the overlay); lower
    // should be read-only, upper is usually a fresh tmpfs.
    static kstd::ErrorOr<OverlayFileSystem*> create(FileSystem* lower, FileSystem* upper);
    // mount(2) as type "overlay": source names the block device holding the
    // lower ext2/3/4 file system (mounted read-only); the upper layer is a
    // fresh tmpfs.
    static kstd::ErrorOr<FileSystem*> create_by_name(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();
    ~OverlayFileSystem() override;

    const char* type_name() const override { return "overlay"; }
    kstd::RefPtr<Vnode> root() override;
    void statfs(linux::statfs& out) override;
    kstd::ErrorOr<void> sync() override { return m_upper->sync(); }

    // The inode number an upper object shows: its origin's, or its own
    // beyond every lower number.
    uint64_t ino_of_upper(uint64_t upper_ino);
    bool has_origin(uint64_t upper_ino) { return m_origin.get(upper_ino) != nullptr; }
    kstd::ErrorOr<void> set_origin(uint64_t upper_ino, uint64_t lower_ino);
    // Whiteouts, by upper inode number.
    bool is_whiteout(uint64_t upper_ino) { return m_whiteouts.get(upper_ino) != nullptr; }
    kstd::ErrorOr<void> add_whiteout(uint64_t upper_ino);
    void remove_whiteout(uint64_t upper_ino) { m_whiteouts.remove(upper_ino); }
    // A merged directory's count of subdirectories only the lower layer
    // has (its link count needs them), kept until a name in it changes.
    uint32_t* lower_subdirectories(uint64_t upper_ino) { return m_lower_subdirs.get(upper_ino); }
    void keep_lower_subdirectories(uint64_t upper_ino, uint32_t n) { (void)m_lower_subdirs.set(upper_ino, n); }
    void forget_lower_subdirectories(uint64_t upper_ino) { m_lower_subdirs.remove(upper_ino); }

    // The overlay vnode for a name found in parent: the same object for
    // every lookup of the same file while it lives.
    kstd::ErrorOr<kstd::RefPtr<OverlayVnode>> vnode_for(kstd::RefPtr<Vnode> upper, kstd::RefPtr<Vnode> lower,
                                                        OverlayVnode* parent, kstd::StringView name);

private:
    OverlayFileSystem(FileSystem* lower, FileSystem* upper) : m_lower(lower), m_upper(upper) {}
    FileSystem* m_lower;
    FileSystem* m_upper;
    kstd::RefPtr<Vnode> m_root;
    kstd::HashMap<uint64_t, uint64_t> m_origin; // upper inode -> the lower inode it was copied from
    kstd::HashMap<uint64_t, bool> m_whiteouts;  // upper inodes that hide a lower name
    kstd::HashMap<uint64_t, uint32_t> m_lower_subdirs;
};

} // namespace husk
