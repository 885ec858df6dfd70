#include "FdTable.h"

namespace husk {

using namespace kstd::errno_values;

ErrorOr<RefPtr<File>> FdTable::get(int fd) const
{
    if (fd < 0 || size_t(fd) >= m_entries.size() || !m_entries[size_t(fd)].file)
        return err(EBADF);
    return m_entries[size_t(fd)].file;
}

ErrorOr<int> FdTable::allocate(RefPtr<File> file, bool cloexec, int min_fd)
{
    if (min_fd < 0 || min_fd >= m_limit)
        return err(min_fd < 0 ? EINVAL : EMFILE);
    for (size_t fd = size_t(min_fd); fd < size_t(m_limit); ++fd) {
        if (fd >= m_entries.size()) {
            if (!m_entries.resize(fd + 1))
                return err(ENOMEM);
        }
        if (!m_entries[fd].file) {
            m_entries[fd].file = kstd::move(file);
            m_entries[fd].cloexec = cloexec;
            return int(fd);
        }
    }
    return err(EMFILE);
}

ErrorOr<RefPtr<FdTable>> FdTable::copy() const
{
    auto table = kstd::adopt_new<FdTable>();
    if (!table || !table->m_entries.resize(m_entries.size()))
        return err(ENOMEM);
    for (size_t fd = 0; fd < m_entries.size(); ++fd)
        table->m_entries[fd] = m_entries[fd];
    table->m_limit = m_limit;
    table->m_hard_limit = m_hard_limit;
    return table;
}

void FdTable::close_on_exec()
{
    for (size_t fd = 0; fd < m_entries.size(); ++fd) {
        if (m_entries[fd].file && m_entries[fd].cloexec) {
            RefPtr<File> old = kstd::move(m_entries[fd].file); // dropped after the entry is clear
            m_entries[fd].cloexec = false;
        }
    }
}

ErrorOr<void> FdTable::set_limits(uint64_t soft, uint64_t hard, bool superuser)
{
    if (soft > hard)
        return err(EINVAL);
    if (hard > kNrOpen || (hard > uint64_t(m_hard_limit) && !superuser))
        return err(EPERM);
    m_limit = int(soft);
    m_hard_limit = int(hard);
    return {};
}

ErrorOr<void> FdTable::install(int fd, RefPtr<File> file, bool cloexec)
{
    if (fd < 0 || fd >= m_limit)
        return err(EBADF);
    if (size_t(fd) >= m_entries.size() && !m_entries.resize(size_t(fd) + 1))
        return err(ENOMEM);
    // Drop the old description only after the new one is in place.
    RefPtr<File> old = kstd::move(m_entries[size_t(fd)].file);
    m_entries[size_t(fd)].file = kstd::move(file);
    m_entries[size_t(fd)].cloexec = cloexec;
    return {};
}

ErrorOr<void> FdTable::close(int fd)
{
    if (fd < 0 || size_t(fd) >= m_entries.size() || !m_entries[size_t(fd)].file)
        return err(EBADF);
    RefPtr<File> old = kstd::move(m_entries[size_t(fd)].file);
    m_entries[size_t(fd)].cloexec = false;
    return {};
}

ErrorOr<bool> FdTable::cloexec(int fd) const
{
    TRY(get(fd));
    return m_entries[size_t(fd)].cloexec;
}

ErrorOr<void> FdTable::set_cloexec(int fd, bool on)
{
    TRY(get(fd));
    m_entries[size_t(fd)].cloexec = on;
    return {};
}

void FdTable::close_all()
{
    for (auto& e : m_entries)
        e.file.clear();
}

bool FdTable::has_free_descriptor() const
{
    size_t end = kstd::min(m_entries.size(), size_t(m_limit));
    for (size_t fd = 0; fd < end; ++fd)
        if (!m_entries[fd].file)
            return true;
    return m_entries.size() < size_t(m_limit);
}

} // namespace husk
