#include "Backend.h"
#include "Seed.h"
#include <fstream>
#include <husk/husk.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace posix {

namespace {

class HostBackend final : public Backend {
public:
    const char* name() const override { return "linux"; }
    void set_read_only(bool on) { m_read_only = on; }
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) override
    {
        long r = ::syscall(nr, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -errno : r;
    }
    std::string enter_workdir(const std::string& scenario, bool seeded) override
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string base = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-" + std::to_string(getpid());
        std::filesystem::create_directories(base);
        m_dir = base + "/" + scenario;
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directory(m_dir);
        ::umask(022);
        if (seeded)
            write_seed(*this, m_dir);
        if (m_read_only)
            bind_read_only(m_dir);
        if (::chdir(m_dir.c_str()) != 0)
            throw std::runtime_error("chdir " + m_dir);
        return m_dir;
    }
    void leave_workdir() override
    {
        if (::chdir("/") != 0)
            return;
        if (m_read_only)
            ::umount2(m_dir.c_str(), MNT_DETACH);
        std::error_code ec;
        // Scenarios may leave read-only directories behind: open them up first.
        for (auto it = std::filesystem::recursive_directory_iterator(m_dir, ec); !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec) && !it->is_symlink(ec))
                std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(std::filesystem::path(m_dir).parent_path(), ec);
    }

private:
    // The work directory becomes a read-only mount of itself (in this
    // process's own mount namespace, host_read_only()); the flags a
    // user namespace locks (nosuid, nodev, ...) are kept.
    static void bind_read_only(const std::string& dir)
    {
        struct statvfs v {};
        if (::statvfs(dir.c_str(), &v) != 0 || ::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0)
            throw std::runtime_error("bind mount " + dir + ": " + std::strerror(errno));
        unsigned long keep = 0;
        for (auto [st, ms] : { std::pair { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
                               { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME } })
            if (v.f_flag & st)
                keep |= ms;
        if (::mount(nullptr, dir.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, nullptr) != 0)
            throw std::runtime_error("remount " + dir + " read-only: " + std::strerror(errno));
    }

    std::string m_dir;
    bool m_read_only { false };
};

class HuskBackend final : public Backend {
public:
    explicit HuskBackend(std::string fs_type) : m_fs_type(std::move(fs_type)) {}
    ~HuskBackend() override
    {
        if (!m_image.empty())
            std::filesystem::remove(m_image);
    }
    const char* name() const override { return "husk"; }
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) override
    {
        return husk_syscall(nr, a1, a2, a3, a4, a5, a6);
    }
    std::string enter_workdir(const std::string& scenario, bool seeded) override
    {
        boot();
        if (iso()) {
            m_dir = "/work"; // the image of the seed, mounted once
            seeded = false;
        } else if (m_fs_type == "overlay") {
            m_dir = "/work";
            if (husk_sys_mount("/dev/vda", m_dir.c_str(), "overlay", 0, nullptr) != 0)
                throw std::runtime_error("mount overlay: " + std::string(std::strerror(errno)));
            seeded = false; // the lower layer is the seed
        } else if (disk_backed()) {
            m_dir = "/work/" + scenario;
            if (husk_sys_mkdir(m_dir.c_str(), 0755) != 0)
                throw std::runtime_error("mkdir " + m_dir + ": " + std::strerror(errno));
        } else {
            m_dir = "/work";
            if (husk_sys_mount(m_fs_type.c_str(), m_dir.c_str(), m_fs_type.c_str(), 0, nullptr) != 0)
                throw std::runtime_error("mount " + m_fs_type + ": " + std::strerror(errno));
        }
        husk_sys_umask(022);
        if (husk_sys_chdir(m_dir.c_str()) != 0)
            throw std::runtime_error("chdir " + m_dir);
        if (seeded)
            write_seed(*this, m_dir);
        return m_dir;
    }
    void leave_workdir() override
    {
        husk_sys_chdir("/");
        if (!disk_backed() && !iso() && husk_sys_umount2(m_dir.c_str(), 0) != 0)
            throw std::runtime_error("umount /work: " + std::string(std::strerror(errno)));
    }
    std::string verify() override
    {
        if (m_fs_type == "overlay")
            return image_bytes() == m_pristine ? e2fsck() : "the overlay wrote to its read-only lower image";
        if (iso())
            return image_bytes() == m_pristine ? "" : "the ISO 9660 image changed";
        if (!disk_backed())
            return {};
        if (husk_sys_sync() != 0)
            return "sync failed";
        return e2fsck();
    }

private:
    std::string e2fsck()
    {
        std::string out = m_image + ".fsck";
        int status = std::system(("e2fsck -fn " + m_image + " > " + out + " 2>&1").c_str());
        std::string report;
        if (status != 0) {
            FILE* f = std::fopen(out.c_str(), "r");
            char line[512];
            while (f && std::fgets(line, sizeof line, f))
                report += line;
            if (f)
                std::fclose(f);
            report = "e2fsck -fn found problems (status " + std::to_string(status) + "):\n" + report;
        }
        std::filesystem::remove(out);
        return report;
    }
    std::string image_bytes() const
    {
        std::ifstream in(m_image, std::ios::binary | std::ios::ate);
        std::string bytes(size_t(in.tellg()), '\0');
        in.seekg(0);
        in.read(bytes.data(), std::streamsize(bytes.size()));
        return bytes;
    }
    // The seed tree as an ext2 image (without lost+found, which the host's
    // work directories do not have), attached read-only as vda.
    void make_seed_image()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string base = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-overlay-" + std::to_string(getpid());
        m_image = base + ".img";
        std::string seed = base + ".seed";
        std::filesystem::remove_all(seed);
        std::filesystem::create_directory(seed);
        ::umask(022);
        write_seed(host_backend(), seed);
        std::string mkfs = "mke2fs -q -F -t ext2 -b 1024 -I 256 -d " + seed + " " + m_image + " 2M >/dev/null 2>&1 && "
                           "debugfs -w -R 'rmdir lost+found' " + m_image + " >/dev/null 2>&1";
        int status = std::system(mkfs.c_str());
        std::filesystem::remove_all(seed);
        if (status != 0 || husk_attach_hostfile(m_image.c_str(), 1) != 0)
            throw std::runtime_error("cannot make the overlay's lower image " + m_image);
        m_pristine = image_bytes();
    }

    // The seed tree as an ISO 9660 image made by genisoimage or xorriso
    // (Rock Ridge and Joliet), attached read-only as vda.
    void make_seed_iso()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string base = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-" + m_fs_type + "-" + std::to_string(getpid());
        m_image = base + ".iso";
        std::string seed = base + ".seed";
        std::filesystem::remove_all(seed);
        std::filesystem::create_directory(seed);
        ::umask(022);
        ::chmod(seed.c_str(), 0755);
        write_seed(host_backend(), seed);
        std::string tool = m_fs_type == "iso-xorriso" ? "xorriso -as mkisofs" : "genisoimage -quiet";
        int status = std::system((tool + " -R -J -o " + m_image + " " + seed + " >/dev/null 2>&1").c_str());
        std::filesystem::remove_all(seed);
        if (status != 0 || husk_attach_hostfile(m_image.c_str(), 1) != 0)
            throw std::runtime_error("cannot make the ISO image " + m_image + " with " + tool);
        m_pristine = image_bytes();
    }

    bool disk_backed() const { return m_fs_type == "ext2"; }
    bool iso() const { return m_fs_type.rfind("iso-", 0) == 0; }
    void boot()
    {
        if (m_booted)
            return;
        if (iso())
            make_seed_iso();
        if (m_fs_type == "overlay")
            make_seed_image();
        if (disk_backed()) {
            const char* tmp = std::getenv("TMPDIR");
            m_image = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-ext2-" + std::to_string(getpid()) + ".img";
            std::string mkfs = "mke2fs -q -F -t ext2 -b 1024 -I 256 " + m_image + " 256M >/dev/null 2>&1";
            if (std::system(mkfs.c_str()) != 0 || husk_attach_hostfile(m_image.c_str(), 0) != 0)
                throw std::runtime_error("cannot make the ext2 image " + m_image);
        }
        if (husk_init("mem=256") != 0)
            throw std::runtime_error("husk_init failed");
        // SIGPIPE ignored, as in the host oracle (main): EPIPE, not death.
        struct { unsigned long handler, flags, restorer, mask; } ignore { 1, 0, 0, 0 };
        if (husk_syscall(SYS_rt_sigaction, SIGPIPE, long(&ignore), 0, 8, 0, 0) != 0)
            throw std::runtime_error("rt_sigaction(SIGPIPE)");
        if (husk_sys_mkdir("/work", 0755) != 0)
            throw std::runtime_error("mkdir /work");
        if (disk_backed() && husk_sys_mount("/dev/vda", "/work", "ext2", 0, nullptr) != 0)
            throw std::runtime_error("mount ext2: " + std::string(std::strerror(errno)));
        if (iso() && husk_sys_mount("/dev/vda", "/work", "iso9660", MS_RDONLY, nullptr) != 0)
            throw std::runtime_error("mount iso9660: " + std::string(std::strerror(errno)));
        m_booted = true;
    }

    std::string m_fs_type;
    std::string m_dir;
    std::string m_image;
    std::string m_pristine; // the overlay's lower image as made
    bool m_booted { false };
};

HostBackend& the_host()
{
    static HostBackend b;
    return b;
}

// A mount namespace of this process's own: root's, or (unprivileged) one
// in a new user namespace mapping this user and group to themselves.
std::string enter_mount_namespace()
{
    if (::unshare(CLONE_NEWNS) != 0) {
        std::string as_root = std::strerror(errno);
        uid_t uid = ::getuid();
        gid_t gid = ::getgid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
            return "unshare(CLONE_NEWNS): " + as_root + "; with CLONE_NEWUSER: " + std::strerror(errno);
        auto put = [](const char* file, const std::string& text) {
            std::ofstream out(file);
            out << text;
            return bool(out.flush());
        };
        if (!put("/proc/self/setgroups", "deny") || !put("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n")
            || !put("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n"))
            return "cannot map the user namespace's ids";
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return std::string("making / private: ") + std::strerror(errno);
    return {};
}

} // namespace

Backend& host_backend() { return the_host(); }

std::string host_read_only()
{
    std::string why = enter_mount_namespace();
    if (why.empty())
        the_host().set_read_only(true);
    return why;
}

Backend& husk_backend(const std::string& fs_type)
{
    static HuskBackend b(fs_type);
    return b;
}

} // namespace posix
