// fcntl record locks: POSIX (per process) and OFD (per open file
// description). Inside one process only OFD locks conflict, with each
// other and with the process's POSIX locks — enough to compare every rule
// with Linux without a second process.
#include "Scenario.h"

namespace {
constexpr short RD = F_RDLCK, WR = F_WRLCK, UN = F_UNLCK;
}

SCENARIO(locks, ofd_locks_conflict_across_descriptions)
{
    s.put("f", "0123456789");
    int a = int(s.open("f", O_RDWR));
    int b = int(s.open("f", O_RDWR));
    s.lock(a, F_OFD_SETLK, WR, SEEK_SET, 0, 10);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 5, 1);
    s.lock(b, F_OFD_SETLK, RD, SEEK_SET, 5, 1);
    s.lock(b, F_OFD_SETLK, WR, SEEK_SET, 10, 5); // adjacent: free
    s.lock(a, F_OFD_GETLK, WR, SEEK_SET, 0, 0);
    s.lock(a, F_OFD_SETLK, UN, SEEK_SET, 0, 10);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 0, 0);
    s.lock(b, F_OFD_SETLK, WR, SEEK_SET, 0, 10);
    s.close(b); // its locks go with it
    s.lock(a, F_OFD_SETLK, WR, SEEK_SET, 0, 0);
}

SCENARIO(locks, read_locks_share_write_locks_exclude)
{
    s.put("f", "data");
    int a = int(s.open("f", O_RDWR));
    int b = int(s.open("f", O_RDWR));
    s.lock(a, F_OFD_SETLK, RD, SEEK_SET, 0, 0);
    s.lock(b, F_OFD_SETLK, RD, SEEK_SET, 2, 2);
    s.lock(b, F_OFD_SETLK, WR, SEEK_SET, 2, 2);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 0, 1);
    s.lock(a, F_OFD_SETLK, WR, SEEK_SET, 0, 0); // a upgrade blocked by b's read lock
    s.lock(b, F_OFD_SETLK, UN, SEEK_SET, 0, 0);
    s.lock(a, F_OFD_SETLK, WR, SEEK_SET, 0, 0);
}

SCENARIO(locks, posix_locks_of_the_process_block_ofd_locks)
{
    s.put("f", "data");
    int a = int(s.open("f", O_RDWR));
    int b = int(s.open("f", O_RDWR));
    int c = int(s.open("f", O_RDONLY));
    s.lock(a, F_SETLK, WR, SEEK_SET, 0, 0);
    s.lock(b, F_GETLK, WR, SEEK_SET, 0, 0); // its own: no conflict
    s.lock(b, F_OFD_GETLK, RD, SEEK_SET, 100, 1);
    s.lock(b, F_OFD_SETLK, RD, SEEK_SET, 0, 1);
    s.close(c); // any close of the file drops the process's POSIX locks
    s.lock(b, F_OFD_SETLK, RD, SEEK_SET, 0, 1);
    s.lock(a, F_SETLK, WR, SEEK_SET, 0, 1);
    s.lock(a, F_SETLK, WR, SEEK_SET, 1, 0);
    s.lock(b, F_OFD_GETLK, RD, SEEK_SET, 1, 0);
}

SCENARIO(locks, posix_ranges_split_and_merge)
{
    s.put("f", "data");
    int a = int(s.open("f", O_RDWR));
    int b = int(s.open("f", O_RDWR));
    s.lock(a, F_SETLK, WR, SEEK_SET, 0, 100);
    s.lock(a, F_SETLK, UN, SEEK_SET, 40, 20);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 0, 10);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 40, 20);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 90, 0);
    s.lock(a, F_SETLK, RD, SEEK_SET, 50, 5); // a read lock inside the hole
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 45, 10);
    s.lock(b, F_OFD_SETLK, RD, SEEK_SET, 50, 5); // read beside read: fine
    s.lock(a, F_SETLK, WR, SEEK_SET, 40, 10);   // fills the hole up to the read lock
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 45, 1);
    s.lock(a, F_SETLK, WR, SEEK_SET, 30, 30);   // converts the read lock: b still holds one
    s.lock(a, F_SETLK, WR, SEEK_SET, 30, 20);
    s.lock(b, F_OFD_GETLK, RD, SEEK_SET, 0, 0);
}

SCENARIO(locks, ranges_from_cur_end_and_negative_lengths)
{
    s.put("f", std::string(100, 'x'));
    int a = int(s.open("f", O_RDWR));
    int b = int(s.open("f", O_RDWR));
    s.lseek(a, 50, SEEK_SET);
    s.lock(a, F_OFD_SETLK, WR, SEEK_CUR, -10, 5);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 0, 0);
    s.lock(a, F_OFD_SETLK, WR, SEEK_END, -5, 5);
    s.lock(b, F_OFD_GETLK, WR, SEEK_SET, 50, 0);
    s.lock(a, F_OFD_SETLK, WR, SEEK_SET, 30, -10);
    s.lock(b, F_OFD_GETLK, RD, SEEK_SET, 0, 35);
    s.lock(a, F_OFD_SETLK, WR, SEEK_SET, 5, -10);
    s.lock(a, F_OFD_SETLK, WR, SEEK_CUR, -51, 1);
}

SCENARIO(locks, bad_requests)
{
    s.put("f", "data");
    int r = int(s.open("f", O_RDONLY));
    int w = int(s.open("f", O_WRONLY));
    s.lock(r, F_SETLK, 7, SEEK_SET, 0, 0);
    s.lock(r, F_SETLK, RD, 9, 0, 0);
    s.lock(r, F_SETLK, RD, SEEK_SET, -1, 0);
    s.lock(r, F_SETLK, WR, SEEK_SET, 0, 0);
    s.lock(w, F_SETLK, RD, SEEK_SET, 0, 0);
    s.lock(w, F_GETLK, RD, SEEK_SET, 0, 0);
    s.lock(r, F_GETLK, UN, SEEK_SET, 0, 0);
    s.lock(r, F_OFD_SETLK, RD, SEEK_SET, 0, 0, 1);
    s.lock(r, F_OFD_GETLK, RD, SEEK_SET, 0, 0, 1);
    s.lock(r + 50, F_SETLK, RD, SEEK_SET, 0, 0);
    s.lock(r, F_SETLK, RD, SEEK_SET, 0x7fffffffffffffffL, 2);
    s.lock(r, F_SETLK, UN, SEEK_SET, 0, 0);
}

// flock(2): whole-file locks of open file descriptions, apart from fcntl's.
SCENARIO(locks, flock_shares_excludes_and_converts)
{
    s.put("f", "data");
    int a = int(s.open("f", O_RDWR));
    int b = int(s.open("f", O_RDONLY));
    s.flock(a, LOCK_SH);
    s.flock(b, LOCK_SH | LOCK_NB);           // shared beside shared
    s.flock(a, LOCK_EX | LOCK_NB);           // b's shared lock is in the way (and a's is gone)
    s.flock(b, LOCK_EX | LOCK_NB);           // a holds nothing now: b converts
    s.flock(a, LOCK_SH | LOCK_NB);
    s.flock(b, LOCK_UN);
    s.flock(a, LOCK_EX | LOCK_NB);
    s.flock(a, LOCK_EX | LOCK_NB);           // held already
    int c = int(s.dup(a));                   // a duplicate shares the description's lock
    s.flock(c, LOCK_EX | LOCK_NB);
    s.close(a);
    s.flock(b, LOCK_SH | LOCK_NB);           // still held through c
    s.lock(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0); // fcntl locks are another kind
    s.close(c);                              // the last close drops it
    s.flock(b, LOCK_SH | LOCK_NB);
    s.flock(b, 0);
    s.flock(b, LOCK_UN | LOCK_SH);
    s.flock(-1, LOCK_SH);
}
