// A directory of the host shared over 9P2000.L (mount -t 9p TAG DIR, or
// husk run --volume): every operation is a message to the server (QEMU's
// virtio-9p), so what the guest writes is in the host's directory at once
// and what the host changes is seen at the next lookup. No data is cached
// apart from mapped files' pages (FileCache); metadata is the server's as
// of the last lookup, getattr or change made through this mount.
#pragma once

#include "../../vfs/FileSystem.h"
#include "NinepClient.h"

namespace husk {

class NinepNode;

class NinepFileSystem final : public FileSystem {
public:
    static void register_type();
    // source: the channel's mount tag; MS_RDONLY for a read-only mount.
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    ~NinepFileSystem() override;

    const char* type_name() const override { return "9p"; }
    kstd::RefPtr<Vnode> root() override;
    void statfs(linux::statfs& out) override;

    ninep::Client& client() { return *m_client; }
    // The node for a fid just walked (or created) to qid: the live one for
    // that file, which takes the fid as its handle (the newest path to it),
    // or a new one. Reads the attributes either way. Consumes fid.
    kstd::ErrorOr<kstd::RefPtr<NinepNode>> node_for(uint32_t fid, const ninep::Qid& qid);

private:
    explicit NinepFileSystem(ninep::Client* client);
    ninep::Client* m_client;
    kstd::RefPtr<NinepNode> m_root;
};

} // namespace husk
