// The Linux x86_64 System V IPC ABI (svipc(7)): flags, commands, limits
// and the structures shmctl, semctl and msgctl read and write, laid out as
// the kernel's 64-bit forms (ipc64_perm, shmid64_ds, semid64_ds,
// msqid64_ds). x86_64 libcs pass commands without IPC_64.
#pragma once

#include "../kstd/Types.h"

#ifdef linux
#undef linux
#endif

namespace husk::linux {

inline constexpr int32_t IPC_PRIVATE = 0;
inline constexpr int IPC_CREAT = 01000, IPC_EXCL = 02000, IPC_NOWAIT = 04000;
inline constexpr int IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;

// shmget/shmat flags, shmctl commands, mode bits shmctl reports.
inline constexpr int SHM_HUGETLB = 04000, SHM_NORESERVE = 010000;
inline constexpr int SHM_RDONLY = 010000, SHM_RND = 020000, SHM_REMAP = 040000, SHM_EXEC = 0100000;
inline constexpr int SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15;
inline constexpr uint32_t SHM_DEST = 01000, SHM_LOCKED = 02000;
inline constexpr uintptr_t SHMLBA = 4096;

// semctl commands, semop flags.
inline constexpr int GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17,
                     SEM_STAT = 18, SEM_INFO = 19, SEM_STAT_ANY = 20;
inline constexpr short SEM_UNDO = 0x1000;

// msgctl commands, msgrcv flags.
inline constexpr int MSG_STAT = 11, MSG_INFO = 12, MSG_STAT_ANY = 13;
inline constexpr int MSG_NOERROR = 010000, MSG_EXCEPT = 020000, MSG_COPY = 040000;

// Linux's default limits (ipc/util.h, include/uapi/linux/{shm,sem,msg}.h).
inline constexpr int IPCMNI = 32768; // ids: sequence * IPCMNI + index
inline constexpr uint64_t SHMMAX = ~uint64_t(0) - (uint64_t(1) << 24), SHMMIN = 1, SHMALL = SHMMAX;
inline constexpr int SHMMNI = 4096;
inline constexpr int SEMMNI = 32000, SEMMSL = 32000, SEMMNS = SEMMNI * SEMMSL, SEMOPM = 500, SEMVMX = 32767,
                     SEMAEM = SEMVMX, SEMUME = SEMOPM, SEMMNU = SEMMNS, SEMMAP = SEMMNS, SEMUSZ = 20;
inline constexpr int MSGMNI = 32000, MSGMAX = 8192, MSGMNB = 16384, MSGPOOL = MSGMNI * MSGMNB / 1024,
                     MSGTQL = MSGMNB, MSGMAP = MSGMNB, MSGSSZ = 16, MSGSEG = 0xffff;

struct ipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint32_t mode;
    uint16_t seq;
    uint16_t pad2;
    uint64_t unused1, unused2;
};
static_assert(sizeof(ipc64_perm) == 48);

struct shmid64_ds {
    ipc64_perm shm_perm;
    uint64_t shm_segsz;
    int64_t shm_atime, shm_dtime, shm_ctime;
    int32_t shm_cpid, shm_lpid;
    uint64_t shm_nattch;
    uint64_t unused4, unused5;
};
static_assert(sizeof(shmid64_ds) == 112);

struct shminfo64 {
    uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
    uint64_t unused1, unused2, unused3, unused4;
};

struct shm_info {
    int32_t used_ids;
    uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

struct semid64_ds {
    ipc64_perm sem_perm;
    int64_t sem_otime;
    uint64_t unused1;
    int64_t sem_ctime;
    uint64_t unused2;
    uint64_t sem_nsems;
    uint64_t unused3, unused4;
};
static_assert(sizeof(semid64_ds) == 104);

struct sembuf {
    uint16_t sem_num;
    int16_t sem_op;
    int16_t sem_flg;
};

struct seminfo {
    int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

struct msqid64_ds {
    ipc64_perm msg_perm;
    int64_t msg_stime, msg_rtime, msg_ctime;
    uint64_t msg_cbytes, msg_qnum, msg_qbytes;
    int32_t msg_lspid, msg_lrpid;
    uint64_t unused4, unused5;
};
static_assert(sizeof(msqid64_ds) == 120);

struct msginfo {
    int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    uint16_t msgseg;
};

} // namespace husk::linux
