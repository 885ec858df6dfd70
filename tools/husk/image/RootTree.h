// The root file system's tree, in a staging directory: the packages'
// contents unpacked with dpkg-deb (no maintainer script runs), then what a
// container's root needs that those scripts or debootstrap would have made.
#pragma once

#include <string>
#include <vector>
#include "AptCache.h"
#include "Failure.h"

namespace husk::tools::image {

// A fresh directory under $TMPDIR (or `where`), removed with everything in
// it when this goes out of scope.
class StagingDir {
public:
    StagingDir() = default;
    ~StagingDir();
    StagingDir(const StagingDir&) = delete;
    StagingDir& operator=(const StagingDir&) = delete;
    Failure create(const char* prefix, const std::string& where = "");
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

// How dpkg-deb, chown and mke2fs run: as root, or (for a user) inside one
// fakeroot session, so that the packages' owners (root, mostly) reach the
// image all the same.
struct FileTools {
    ChildOptions options; // prefix: fakeroot -i STATE -s STATE, or nothing
    bool fake_root = false;
};
// Sets up `tools` for this user: fakeroot's state lives in `state_file`.
Failure choose_file_tools(const std::string& state_file, bool verbose, FileTools& tools);

// dpkg-deb -x of each package into root.
Failure unpack_packages(const std::vector<DebPackage>& packages, const std::string& root, const FileTools& tools);

// Debian 12's merged /usr, as debootstrap makes it before unpacking: /bin,
// /sbin, /lib, /lib64 (and lib32, libx32 when packages use them) become
// symbolic links into /usr, with whatever packages put there moved inside.
// Adds what it creates to `created`; what is left of the old directories
// goes into `trash` (outside root).
Failure merge_usr(const std::string& root, const std::string& trash, std::vector<std::string>& created);

// /etc/passwd, /etc/group, /etc/nsswitch.conf when no package made them
// (base-passwd's postinst and base-files would have), and the directories
// a system mounts or writes into: /dev, /proc, /sys, /run, /tmp, /var/tmp,
// /root, /home.
Failure add_system_files(const std::string& root, std::vector<std::string>& created);

// Under fakeroot: the files husk image made itself belong to root too.
Failure own_by_root(const std::vector<std::string>& paths, const FileTools& tools);

} // namespace husk::tools::image
