// sendfile's plain way from one file into another: a chunk at a time
// through a kernel buffer (any readable file into any writable one, as on
// Linux since 2.6.33). File::send_from is this loop; a file that can take
// bytes without the buffer (a stream socket) mixes its own pieces in.
#pragma once

#include "File.h"

namespace husk {

// copy_file_range(2) with Linux 5.19's rules: regular files on any file
// systems, in and out positions (null: the file's offset, moved; else
// moved by what was copied), count cut at in's end, no overlapping range
// within one file.
kstd::ErrorOr<size_t> copy_file_range(File& in, int64_t* in_position, File& out, int64_t* out_position, size_t count,
                                      unsigned flags);

class FileCopy {
public:
    static constexpr size_t kChunk = 64 * 1024;

    // Reads `in` at `position` (onwards, by what was done) or, with
    // File::kOwnOffset, at and moving in's own offset.
    FileCopy(File& in, File& out, int64_t position, int64_t out_position = File::kOwnOffset)
        : m_in(in), m_out(out), m_position(position), m_out_position(out_position) {}
    ~FileCopy();
    FileCopy(const FileCopy&) = delete;
    FileCopy& operator=(const FileCopy&) = delete;

    // Copies up to `want` bytes through the buffer. False when the copy is
    // over: the end of the input, a short write (a full pipe; a later call
    // goes on, the input consumed, as Linux) or a failure.
    bool chunk(size_t want);
    // Bytes that reached `out` (the caller adds what it moved itself).
    size_t done { 0 };
    // The first failure; reported only when nothing was done.
    kstd::ErrorOr<void> failure {};
    kstd::ErrorOr<size_t> result() const;

private:
    File& m_in;
    File& m_out;
    int64_t m_position;
    int64_t m_out_position;
    void* m_buffer { nullptr };
};

} // namespace husk
