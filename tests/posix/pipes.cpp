// pipe2, and poll/select/ppoll over pipes and files.
#include <poll.h>
#include "Scenario.h"

SCENARIO(pipes, write_then_read)
{
    auto [r, w] = s.pipe2(0);
    s.write(w, "through the pipe");
    s.read(r, 7);
    s.read(r, 100);
}

SCENARIO(pipes, eof_after_writer_closes)
{
    auto [r, w] = s.pipe2(0);
    s.write(w, "last");
    s.close(w);
    s.read(r, 10);
    s.read(r, 10);
}

SCENARIO(pipes, epipe_without_readers)
{
    auto [r, w] = s.pipe2(0);
    s.close(r);
    s.write(w, "nobody listens");
}

SCENARIO(pipes, nonblocking_empty_read_is_eagain)
{
    auto [r, w] = s.pipe2(O_NONBLOCK);
    s.read(r, 1);
    s.fcntl(r, F_GETFL);
}

SCENARIO(pipes, nonblocking_full_write_is_eagain)
{
    auto [r, w] = s.pipe2(O_NONBLOCK);
    std::string chunk(65536, 'x');
    s.write(w, chunk);
    s.write(w, "y");
    s.read(r, 10);
    s.write(w, std::string(5000, 'z'));
    s.read(r, 5000);
    s.write(w, std::string(5000, 'z'));
}

SCENARIO(pipes, partial_nonblocking_write_of_large_buffer)
{
    auto [r, w] = s.pipe2(O_NONBLOCK);
    s.write(w, std::string(65536 - 100, 'a'));
    s.write(w, std::string(8000, 'b'));
    s.fionread(r);
}

SCENARIO(pipes, cloexec_flag)
{
    auto [r, w] = s.pipe2(O_CLOEXEC);
    s.fcntl(r, F_GETFD);
    s.fcntl(w, F_GETFD);
    s.fcntl(r, F_GETFL);
    s.fcntl(w, F_GETFL);
}

SCENARIO(pipes, bad_flags_are_einval)
{
    s.pipe2(O_APPEND);
    s.pipe2(0x12345678);
}

SCENARIO(pipes, wrong_direction_is_ebadf)
{
    auto [r, w] = s.pipe2(0);
    s.write(r, "x");
    s.read(w, 1);
}

SCENARIO(pipes, lseek_and_pread_are_espipe)
{
    auto [r, w] = s.pipe2(0);
    s.lseek(r, 0, SEEK_SET);
    s.pread(r, 1, 0);
    s.pwrite(w, "x", 0);
}

SCENARIO(pipes, dup_keeps_pipe_open)
{
    auto [r, w] = s.pipe2(0);
    int w2 = int(s.dup(w));
    s.close(w);
    s.write(w2, "still open");
    s.close(w2);
    s.read(r, 100);
    s.read(r, 100);
}

SCENARIO(pipes, poll_empty_pipe_times_out)
{
    auto [r, w] = s.pipe2(0);
    s.poll({ { r, POLLIN }, { w, POLLOUT } }, 0);
    s.poll({ { r, POLLIN } }, 10);
}

SCENARIO(pipes, poll_readable_after_write)
{
    auto [r, w] = s.pipe2(0);
    s.write(w, "data");
    s.poll({ { r, POLLIN }, { w, POLLOUT } }, 1000);
}

SCENARIO(pipes, poll_hup_when_writer_closes)
{
    auto [r, w] = s.pipe2(0);
    s.close(w);
    s.poll({ { r, POLLIN } }, 1000);
}

SCENARIO(pipes, poll_err_when_reader_closes)
{
    auto [r, w] = s.pipe2(0);
    s.close(r);
    s.poll({ { w, POLLOUT } }, 1000);
}

SCENARIO(pipes, poll_full_pipe_not_writable)
{
    auto [r, w] = s.pipe2(O_NONBLOCK);
    s.write(w, std::string(65536, 'x'));
    s.poll({ { w, POLLOUT } }, 0);
}

SCENARIO(pipes, poll_invalid_and_negative_fds)
{
    auto [r, w] = s.pipe2(0);
    s.poll({ { 5000, POLLIN }, { -1, POLLIN }, { w, POLLOUT } }, 0);
}

SCENARIO(pipes, poll_regular_file_always_ready)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDWR));
    s.poll({ { fd, POLLIN | POLLOUT } }, 1000);
}

SCENARIO(pipes, select_on_pipe)
{
    auto [r, w] = s.pipe2(0);
    s.select(w + 1, { r }, { w }, 0);
    s.write(w, "x");
    s.select(w + 1, { r }, {}, 100000);
}

SCENARIO(pipes, select_bad_fd_is_ebadf)
{
    auto [r, w] = s.pipe2(0);
    s.close(r);
    s.select(w + 1, { r }, {}, 0);
    s.select(-1, {}, {}, 0);
}

SCENARIO(pipes, select_timeout_with_nothing)
{
    s.select(0, {}, {}, 1000);
}
