#include "Address.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/un.h>

namespace husk::remote {

std::string Address::text() const
{
    if (is_unix)
        return "unix:" + path;
    char host[INET_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, &inet.sin_addr, host, sizeof host);
    return "tcp:" + std::string(host) + ":" + std::to_string(ntohs(inet.sin_port));
}

std::string parse_address(const std::string& spec, Address& out, bool allow_any_port)
{
    out = Address {};
    if (spec.rfind("unix:", 0) == 0) {
        out.is_unix = true;
        out.path = spec.substr(5);
        if (out.path.empty())
            return "'" + spec + "' has no path (unix:PATH)";
        if (out.path.size() >= sizeof(sockaddr_un::sun_path))
            return "the socket path in '" + spec + "' is longer than " + std::to_string(sizeof(sockaddr_un::sun_path) - 1)
                   + " bytes";
        return "";
    }
    if (spec.rfind("tcp:", 0) != 0)
        return "'" + spec + "' is neither unix:PATH nor tcp:HOST:PORT";
    std::string rest = spec.substr(4);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos)
        return "'" + spec + "' has no port (tcp:HOST:PORT)";
    std::string host = rest.substr(0, colon), port = rest.substr(colon + 1);
    if (host.empty())
        return "'" + spec + "' has no host (tcp:127.0.0.1:PORT serves this machine only)";
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos
        || std::stoul(port) > 65535 || (std::stoul(port) == 0 && !allow_any_port))
        return "'" + port + "' in '" + spec + "' is not a port (" + (allow_any_port ? "0" : "1") + "..65535)";
    out.inet.sin_family = AF_INET;
    out.inet.sin_port = htons(uint16_t(std::stoul(port)));
    if (inet_pton(AF_INET, host.c_str(), &out.inet.sin_addr) == 1)
        return "";
    addrinfo hints {}, *found = nullptr;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (int r = getaddrinfo(host.c_str(), nullptr, &hints, &found); r != 0 || !found)
        return "cannot resolve '" + host + "' in '" + spec + "' to an IPv4 address: " + gai_strerror(r);
    out.inet.sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
    freeaddrinfo(found);
    return "";
}

} // namespace husk::remote
