// Named instances (husk run -d): the state directory that records each
// background guest, one directory per instance, as Docker keeps its
// containers:
//
//   STATE/NAME/instance     the record (InstanceRecord, "key value" lines),
//                           rewritten whole (rename) when it changes
//   STATE/NAME/console.log  every stream of the guest and the kernel's log
//   STATE/NAME/lock         flock'ed by the supervisor while it lives: a
//                           supervisor killed with -9 lets go of it, so its
//                           instance reads as exited, never as running
//   STATE/NAME/control      the supervisor's unix socket (Supervisor.h)
//
// STATE is $HUSK_STATE_DIR, else $XDG_RUNTIME_DIR/husk, else /run/husk for
// root, else ~/.local/state/husk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace husk::tools {

struct InstanceRecord {
    std::string name, id;
    long pid = 0;                     // the supervisor's
    std::string image;                // the image or program husk run was given
    std::vector<std::string> command; // the program's arguments
    std::vector<std::string> ports;   // -p specs as given
    std::vector<std::string> disks;   // -b specs as given
    int64_t created = 0;              // seconds since the epoch
    bool auto_remove = false;         // --rm
    double stop_timeout_s = 10;       // --stop-timeout: the guest's own deadline for a stop
    bool finished = false;
    int exit_status = -1;             // once finished
    int64_t finished_at = 0;
};

struct Instance {
    std::string dir;
    InstanceRecord record;
    bool running = false; // its supervisor holds the lock
};

// Exit statuses of the instance commands.
constexpr int kInstanceError = 1;  // no such instance, running, ...
constexpr int kNameInUse = 125;    // husk run --name: as docker run's

std::string state_root();
// Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 64 characters).
bool valid_instance_name(const std::string& name);
// An adjective_noun name not in use, as Docker makes.
std::string generate_instance_name();
// 64 hexadecimal digits from the kernel's random numbers.
std::string generate_instance_id();

bool write_record(const std::string& dir, const InstanceRecord& record);
std::optional<InstanceRecord> read_record(const std::string& dir);
// Whether a live supervisor holds dir's lock.
bool supervisor_alive(const std::string& dir);

// Every instance, newest first.
std::vector<Instance> list_instances();
// By name, else by a unique prefix of its id.
std::optional<Instance> find_instance(const std::string& name_or_id);

// "running", "exited (143)", "exited (unknown)" (its supervisor died).
std::string status_word(const Instance& instance);
// "5 seconds", "3 minutes", ... for an age in seconds.
std::string human_duration(int64_t seconds);
// "2026-12-02T16:50:00Z".
std::string iso_time(int64_t seconds);

} // namespace husk::tools
