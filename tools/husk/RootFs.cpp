#include "RootFs.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../../platform/hosted/ImageLock.h"

namespace husk::tools {

namespace {
// The ext2/3/4 superblock's magic number, 1080 bytes into the image.
bool is_ext_file_system(const std::string& path)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint8_t magic[2] = {};
    bool ok = pread(fd, magic, 2, 1080) == 2 && magic[0] == 0x53 && magic[1] == 0xef;
    close(fd);
    return ok;
}
} // namespace

void RootFs::take_image_argument(std::string& program, std::vector<std::string>& args)
{
    if (!source.empty() || args.empty() || args[0].empty() || args[0][0] != '/' || !is_ext_file_system(program))
        return;
    source = program;
    program = args[0];
    args.erase(args.begin());
}

std::string RootFs::guest_program(const std::string& program) const
{
    return !source.empty() && !program.empty() && program[0] == '/' ? program : "";
}

int RootFs::attach(RunOptions& o, bool dry_run, const std::function<std::string(const std::string&)>& make_image) const
{
    auto fail = [](int status, const std::string& why) {
        std::fprintf(stderr, "husk run: %s\n", why.c_str());
        if (status == 2)
            std::fprintf(stderr, "Try 'husk run --help'.\n");
        return status;
    };
    struct stat st;
    if (stat(source.c_str(), &st) != 0 || access(source.c_str(), R_OK) != 0)
        return fail(2, "--rootfs: cannot read disk image or directory '" + source + "'");
    std::string image = source;
    if (S_ISDIR(st.st_mode)) {
        image = make_image(source);
        if (image.empty())
            return fail(2, "--rootfs " + source + ": cannot make an ext2 image of this directory (is mke2fs installed?)");
        // mke2fs's lost+found is no part of the tree (a container's root has none).
        struct stat own;
        if (lstat((source + "/lost+found").c_str(), &own) != 0)
            (void)std::system(("debugfs -w -R 'rmdir lost+found' " + image + " >/dev/null 2>&1").c_str());
    } else if (!is_ext_file_system(source)) {
        return fail(2, "--rootfs: " + source + " is not an ext2/3/4 file system");
    }
    // Read-only: QEMU shares the image with other readers, refuses a writer.
    if (int fd = open(image.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        std::string busy = hosted::image_conflict(fd, image, true);
        close(fd);
        if (!busy.empty() && !dry_run)
            return fail(125, "--rootfs: " + busy);
    }
    o.root_disk = image;
    // It comes after the -b disks: vda, vdb, ... keep their names.
    o.cmdline.push_back("root=vd" + std::string(1, char('a' + o.disks.size())));
    return 0;
}

} // namespace husk::tools
