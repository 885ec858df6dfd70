#include "FileSystem.h"

namespace husk {

namespace {
uint64_t g_next_device = 1;
constexpr size_t kMaxTypes = 16;
FileSystemType g_types[kMaxTypes];
size_t g_type_count;
} // namespace

// Anonymous device numbers, like Linux's 0:N for virtual file systems.
FileSystem::FileSystem() : m_device_id(linux::makedev(0, uint32_t(g_next_device++))) {}

void FileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_namelen = linux::NAME_MAX;
}

// Boot adds each type once (a second add of a name would be shadowed by
// the first: find() returns the first match), so no search here.
bool FileSystemTypes::add(const FileSystemType& type)
{
    if (g_type_count == kMaxTypes)
        return false;
    g_types[g_type_count++] = type;
    return true;
}

const FileSystemType* FileSystemTypes::find(kstd::StringView name)
{
    for (size_t i = 0; i < g_type_count; ++i)
        if (kstd::StringView(g_types[i].name) == name)
            return &g_types[i];
    return nullptr;
}

size_t FileSystemTypes::count() { return g_type_count; }
const FileSystemType& FileSystemTypes::at(size_t index) { return g_types[index]; }

} // namespace husk
