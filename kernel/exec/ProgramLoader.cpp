#include "ProgramLoader.h"
#include <husk/platform.h>
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../mm/AddressSpace.h"
#include "Vdso.h"

namespace husk {

namespace {
constexpr uint64_t kPage = AddressSpace::kPage;
uint64_t page_down(uint64_t a) { return a & ~(kPage - 1); }
uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

// Auxiliary vector keys (linux/auxvec.h).
enum : uint64_t {
    AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
    AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
    AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
    AT_MINSIGSTKSZ = 51,
};
} // namespace

ErrorOr<LoadedProgram> ProgramLoader::load(AddressSpace& as, const ElfImage& image, const ElfImage* interpreter,
                                           const ProgramArgs& args, const ProgramNames& names)
{
    uint64_t bias = image.position_independent() ? kPieBase - page_down(image.lowest()) : 0;
    // A fixed-address program must fit where programs live (Linux refuses
    // p_vaddr 0 below mmap_min_addr the same way): it cannot run (126).
    uintptr_t lo, hi;
    husk_plat_user_range(&lo, &hi);
    if (bias + page_down(image.lowest()) < lo || bias + image.highest() > hi) {
        klog(LogLevel::Error, "exec: a loadable segment at 0x%lx-0x%lx lies outside the user address range 0x%lx-0x%lx",
             (unsigned long)(bias + image.lowest()), (unsigned long)(bias + image.highest()), (unsigned long)lo,
             (unsigned long)hi);
        return err(kstd::ENOEXEC);
    }
    TRY(map_segments(as, image, bias, names.program, names.program_pages));
    as.set_brk_start(page_up(bias + image.highest()));
    LoadedProgram at { bias + image.entry(), 0, bias, 0 };
    if (interpreter) {
        // The interpreter's whole span is placed as one mmap would be, then
        // its segments go there (a fixed-address interpreter where it asks).
        uint64_t span = page_up(interpreter->highest()) - page_down(interpreter->lowest());
        uint64_t base = 0;
        if (interpreter->position_independent()) {
            base = TRY(as.map_anywhere(span, 0));
            TRY(as.unmap(base, span));
            base -= page_down(interpreter->lowest());
        }
        TRY(map_segments(as, *interpreter, base, names.interpreter, names.interpreter_pages));
        at.entry = base + interpreter->entry();
        at.interpreter_base = base + page_down(interpreter->lowest());
    }
    at.vdso = TRY(Vdso::map(as));
    at.stack_pointer = TRY(build_stack(as, image, at, args));
    return at;
}

ErrorOr<void> ProgramLoader::map_segments(AddressSpace& as, const ElfImage& image, uint64_t bias,
                                          const kstd::RefPtr<RegionName>& name, const kstd::RefPtr<SharedMemory>& pages)
{
    // Regions first (a page two segments share gets both their rights),
    // then the contents. A segment's file bytes are the file's pages,
    // mapped copy-on-write (binfmt_elf maps them MAP_PRIVATE), where the
    // file has pages to lend and the segment sits at its file offset
    // modulo the page; else a private copy written from the image. What
    // lies past the file bytes is zero (bss): fresh pages, and the tail
    // of the last file page, zeroed in a private copy of it (Linux's
    // padzero). The file pages are named by the file (at their offset in
    // it), the bss pages past them are anonymous, as /proc/PID/maps shows
    // Linux's.
    uint64_t mapped_end = 0;
    unsigned last_prot = 0;
    auto lends = [&](const ElfImage::Segment& s) { return pages && (bias + s.vaddr) % kPage == s.offset % kPage; };
    kstd::Vector<uint64_t> starts; // where each segment's own region begins
    for (const auto& s : image.segments()) {
        uint64_t first = page_down(bias + s.vaddr);
        uint64_t start = first, end = page_up(bias + s.vaddr + s.memsz);
        uint64_t file_end = kstd::min(end, page_up(bias + s.vaddr + s.filesz));
        if (start < mapped_end) {
            TRY(as.protect(start, kPage, last_prot | s.prot));
            start = mapped_end;
        }
        if (!starts.append(start))
            return err(kstd::ENOMEM);
        AddressSpace::Backing file;
        file.name = name;
        file.name_offset = page_down(s.offset) + (start - first);
        if (lends(s)) {
            file.shared = pages;
            file.first_page = size_t(file.name_offset / kPage);
            file.private_copy = true;
        }
        if (start < file_end)
            TRY(as.map_fixed(start, file_end - start, s.prot, kstd::move(file)));
        if (kstd::max(start, file_end) < end)
            TRY(as.map_fixed(kstd::max(start, file_end), end - kstd::max(start, file_end), s.prot));
        if (end > mapped_end) {
            mapped_end = end;
            last_prot = s.prot;
        }
    }
    static const uint8_t zeros[kPage] {};
    for (size_t i = 0; i < image.segments().size(); ++i) {
        const auto& s = image.segments()[i];
        uint64_t at = bias + s.vaddr;
        if (!lends(s)) {
            TRY(as.write(at, image.data() + s.offset, s.filesz));
            continue;
        }
        // Bytes on a page the previous segment's region holds: copied there.
        if (at < starts[i]) {
            uint64_t head = kstd::min<uint64_t>(starts[i] - at, s.filesz);
            TRY(as.write(at, image.data() + s.offset, head));
        }
        // With a bss, the rest of the last file page is zero up to the
        // page's end, as Linux's padzero leaves it (ld.so's first
        // allocations take that memory as zeroed).
        uint64_t file_bytes_end = at + s.filesz;
        if (s.memsz > s.filesz && file_bytes_end % kPage)
            TRY(as.write(file_bytes_end, zeros, page_up(file_bytes_end) - file_bytes_end));
    }
    return {};
}

ErrorOr<void> ProgramLoader::check_limits(const ProgramArgs& args)
{
    size_t total = args.execfn.length() + 1;
    if (total > kMaxArgString)
        return err(kstd::E2BIG);
    const kstd::Vector<kstd::StringView>* lists[] = { &args.argv, &args.envp };
    for (const auto* list : lists) {
        for (const auto& s : *list) {
            if (s.length() + 1 > kMaxArgString)
                return err(kstd::E2BIG);
            total += s.length() + 1;
        }
    }
    size_t pointers = (args.argv.size() ? args.argv.size() : 1) + args.envp.size();
    if (total + pointers * sizeof(uint64_t) > kMaxArgTotal)
        return err(kstd::E2BIG);
    return {};
}

ErrorOr<uint64_t> ProgramLoader::build_stack(AddressSpace& as, const ElfImage& image, const LoadedProgram& at,
                                             const ProgramArgs& args)
{
    uintptr_t lo, top;
    husk_plat_user_range(&lo, &top);
    AddressSpace::Backing stack;
    stack.name = RegionName::make("[stack]");
    TRY(as.map_fixed(top - kStackSize, kStackSize, HUSK_PROT_READ | HUSK_PROT_WRITE, kstd::move(stack)));

    // Strings at the very top: execfn, argv, envp, the platform name, then
    // 16 random bytes.
    constexpr char kPlatform[] = HUSK_ARCH_NAME;
    size_t strings = args.execfn.length() + 1 + sizeof kPlatform + 16;
    for (auto& a : args.argv)
        strings += a.length() + 1;
    for (auto& e : args.envp)
        strings += e.length() + 1;
    size_t aux_pairs = 20 + (at.vdso ? 1 : 0);
    size_t words = 1 + args.argv.size() + 1 + args.envp.size() + 1 + 2 * aux_pairs;
    uint64_t strings_at = top - strings;
    uint64_t sp = (strings_at - words * 8) & ~uint64_t(15); // the stack pointer points at argc, 16-byte aligned
    size_t total = top - sp;
    TRY(check_limits(args));

    size_t pages = (total + kPage - 1) / kPage;
    auto* buf = static_cast<uint8_t*>(Heap::allocate_pages(pages));
    if (!buf)
        return err(kstd::ENOMEM);
    auto* words_out = reinterpret_cast<uint64_t*>(buf);
    uint8_t* str = buf + (strings_at - sp);
    uint64_t str_va = strings_at;
    auto put_string = [&](kstd::StringView s) {
        uint64_t va = str_va;
        memcpy(str, s.data(), s.length());
        str[s.length()] = 0;
        str += s.length() + 1;
        str_va += s.length() + 1;
        return va;
    };
    uint64_t execfn = put_string(args.execfn);
    size_t w = 0;
    words_out[w++] = args.argv.size();
    for (auto& a : args.argv)
        words_out[w++] = put_string(a);
    words_out[w++] = 0;
    for (auto& e : args.envp)
        words_out[w++] = put_string(e);
    words_out[w++] = 0;
    uint64_t platform = put_string(kPlatform);
    uint64_t random = str_va;
    husk_plat_random(str, 16);
    auto aux = [&](uint64_t key, uint64_t value) {
        words_out[w++] = key;
        words_out[w++] = value;
    };
    uint64_t bias = at.load_bias;
    aux(AT_PHDR, bias + image.phdr_vaddr());
    aux(AT_PHENT, image.phent());
    aux(AT_PHNUM, image.phnum());
    aux(AT_PAGESZ, kPage);
    aux(AT_BASE, at.interpreter_base); // 0: no interpreter
    aux(AT_FLAGS, 0);
    aux(AT_ENTRY, bias + image.entry());
    aux(AT_UID, 0);
    aux(AT_EUID, 0);
    aux(AT_GID, 0);
    aux(AT_EGID, 0);
    aux(AT_PLATFORM, platform);
    aux(AT_HWCAP, HUSK_ARCH_HWCAP);
    aux(AT_HWCAP2, 0);
    aux(AT_CLKTCK, 100);
    aux(AT_SECURE, 0);
    aux(AT_RANDOM, random);
    aux(AT_EXECFN, execfn);
    aux(AT_MINSIGSTKSZ, HUSK_ARCH_MINSIGSTKSZ);
    if (at.vdso)
        aux(AT_SYSINFO_EHDR, at.vdso);
    aux(AT_NULL, 0);
    auto r = as.write(sp, buf, total);
    Heap::free_pages(buf, pages);
    TRY(r);
    return sp;
}

} // namespace husk
