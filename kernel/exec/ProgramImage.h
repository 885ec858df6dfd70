// An executable file read into kernel memory (all of it, or its headers)
// and checked (ElfImage), with
// where it was loaded: what a process runs. Forks share it; fault reports
// name functions from its symbols.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../proc/ProcessImage.h"
#include "ElfImage.h"

namespace husk {

class Vnode;

class ProgramImage : public ProcessImage {
public:
    // Reads file and checks it (ENOEXEC, logged naming `name`, when it is
    // no executable this machine runs; EIO, ENOMEM): all of it, or with
    // `headers_only` (the loader maps its segments from the file's pages)
    // only its headers where that is enough (no symbol table, headers in
    // the first page, no page shared by two segments).
    static kstd::ErrorOr<kstd::RefPtr<ProgramImage>> read(Vnode& file, const char* name, bool headers_only = false);
    ~ProgramImage() override;

    const ElfImage& elf() const { return m_elf; }
    void set_load_bias(uint64_t bias) { m_bias = bias; }
    bool symbolize(uint64_t address, char* out, size_t len) const override;

private:
    ProgramImage(uint8_t* bytes, ElfImage elf) : m_bytes(bytes), m_elf(kstd::move(elf)) {}
    uint8_t* m_bytes;
    ElfImage m_elf;
    uint64_t m_bias { 0 };
};

} // namespace husk
