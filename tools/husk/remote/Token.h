// The secret a TCP client presents to husk server (docs/security.md): 32
// random bytes in hex, in a file only its owner reads. A unix socket needs
// none: its mode 0600 already admits only its owner.
#pragma once

#include <string>
#include "Address.h"

namespace husk::remote {

inline constexpr size_t kTokenLength = 64; // hex digits

// $XDG_RUNTIME_DIR/husk/tcp-HOST-PORT.token, or /tmp/husk-UID/... without it.
std::string default_token_file(const Address& address);
// Makes a new token and writes it to path (mode 0600; the directory is made
// 0700 when missing, and an old token file of ours is replaced). "" or why not.
std::string create_token_file(const std::string& path, std::string& token);
// The token a client presents: --token-file, else $HUSK_TOKEN_FILE, else
// $HUSK_TOKEN, else the default file when it exists; "" (none) otherwise.
std::string client_token(const Address& address, const std::string& token_file, std::string& token);
// Compares in constant time: how long a guess matched stays hidden.
bool same_token(const char* a, const char* b);

} // namespace husk::remote
