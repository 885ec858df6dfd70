// The recipe reader (PkgRecipe.h).
#include "PkgRecipe.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include "ImageFiles.h"

namespace husk::tools {

namespace fs = std::filesystem;

std::optional<std::vector<std::string>> split_words(const std::string& text, std::string& why)
{
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word)
                words.push_back(word);
            word.clear();
            in_word = false;
        } else if (c == '#' && !in_word) {
            while (i < text.size() && text[i] != '\n')
                ++i;
        } else if (c == '\'') {
            size_t end = text.find('\'', i + 1);
            if (end == std::string::npos)
                return why = "an unterminated '", std::nullopt;
            word += text.substr(i + 1, end - i - 1);
            in_word = true;
            i = end;
        } else if (c == '"') {
            in_word = true;
            for (++i;; ++i) {
                if (i >= text.size())
                    return why = "an unterminated \"", std::nullopt;
                char d = text[i];
                if (d == '"')
                    break;
                if (d == '$' || d == '`')
                    return why = std::string("'") + d + "' inside \"...\" (a shell expansion; write '...' for the character)", std::nullopt;
                if (d == '\\' && i + 1 < text.size() && std::string("$`\"\\\n").find(text[i + 1]) != std::string::npos)
                    d = text[++i];
                word += d;
            }
        } else if (c == '\\') {
            if (i + 1 < text.size()) {
                word += text[++i];
                in_word = true;
            }
        } else if (std::string("$`;&|<>()").find(c) != std::string::npos) {
            return why = std::string("'") + c + "' outside quotes (only a shell could evaluate it; quote it)", std::nullopt;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word)
        words.push_back(word);
    return words;
}

std::optional<std::string> unquote_value(const std::string& text, std::string& why)
{
    auto words = split_words(text, why);
    if (!words)
        return std::nullopt;
    if (words->size() > 1)
        return why = "a blank outside quotes (sh would run '" + (*words)[1] + "' as a command; quote the value)", std::nullopt;
    return words->empty() ? std::string() : words->front();
}

namespace {
bool valid_key(const std::string& k)
{
    if (k.empty() || !(std::islower((unsigned char)k[0]) || k[0] == '_'))
        return false;
    return std::all_of(k.begin(), k.end(), [](char c) { return std::islower((unsigned char)c) || std::isdigit((unsigned char)c) || c == '_'; });
}
} // namespace

std::optional<Recipe> parse_recipe(const std::string& text, const std::string& name_expected, std::string& why)
{
    Recipe r;
    size_t line_no = 0, at = 0;
    auto fail = [&](const std::string& what) { why = "line " + std::to_string(line_no) + ": " + what; return std::nullopt; };
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(at, end - at);
        at = end + 1;
        ++line_no;
        size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        line = line.substr(first);
        size_t eq = line.find('=');
        if (eq == std::string::npos || !valid_key(line.substr(0, eq)))
            return fail("not a key=value assignment (keys are lower-case words: name=, version=, ...)");
        std::string key = line.substr(0, eq), problem;
        auto value = unquote_value(line.substr(eq + 1), problem);
        if (!value)
            return fail(key + "=: " + problem);
        if (r.keys.count(key))
            return fail(key + "= is given twice");
        r.keys[key] = *value;
    }
    line_no = 0;
    auto get = [&](const char* key) { auto it = r.keys.find(key); return it == r.keys.end() ? std::string() : it->second; };
    for (const char* key : { "name", "version", "summary", "kind" })
        if (get(key).empty())
            return why = std::string(key) + "= is missing (every recipe has name, version, summary and kind)", std::nullopt;
    r.name = get("name");
    r.version = get("version");
    r.summary = get("summary");
    r.kind = get("kind");
    r.program = get("program");
    r.ports = get("ports");
    if (r.name != name_expected)
        return why = "name=" + r.name + " but the recipe's directory is " + name_expected, std::nullopt;
    if (r.version.find_first_of("/ ") != std::string::npos || r.version == "." || r.version == "..")
        return why = "version=" + r.version + " cannot name a directory", std::nullopt;
    if (r.kind != "source" && r.kind != "debian")
        return why = "kind=" + r.kind + ": wants source (built from Debian's source) or debian (Debian's binary packages)", std::nullopt;
    auto packages = split_words(get("debian_packages"), why);
    if (!packages)
        return why = "debian_packages=: " + why, std::nullopt;
    r.debian_packages = *packages;
    if (r.kind == "debian" && r.debian_packages.empty())
        return why = "kind=debian wants debian_packages= (the binary packages of its root)", std::nullopt;
    if (r.kind == "debian" && r.program.empty())
        r.program = "/usr/bin/" + r.name;
    if (r.kind == "debian" && r.program[0] != '/')
        return why = "program=" + r.program + ": wants the program's path in the root (/usr/sbin/...)", std::nullopt;
    auto run = split_words(get("run"), why);
    if (!run)
        return why = "run=: " + why, std::nullopt;
    r.run = *run;
    return r;
}

std::optional<Recipe> read_recipe(const std::string& dir, std::string& why)
{
    std::string problem;
    std::string text = read_file(dir + "/recipe", problem);
    if (!problem.empty())
        return why = dir + "/recipe: " + problem, std::nullopt;
    auto r = parse_recipe(text, fs::path(dir).filename().string(), why);
    if (!r)
        return why = dir + "/recipe: " + why, std::nullopt;
    r->dir = dir;
    return r;
}

std::string recipes_dir()
{
    if (const char* env = std::getenv("HUSK_PACKAGES"); env && *env)
        return env;
#ifdef HUSK_SOURCE_DIR
    // The build tree's husk (CMake's cache beside it) reads its source's.
    if (access((tool_dir() + "CMakeCache.txt").c_str(), F_OK) == 0)
        return std::string(HUSK_SOURCE_DIR) + "/packages";
#endif
    return fs::path(tool_dir() + "../share/husk/packages").lexically_normal().string();
}

std::vector<std::string> recipe_names(const std::string& dir)
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (fs::is_regular_file(e.path() / "recipe", ec))
            names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> expand_run_words(const std::vector<std::string>& words, const std::string& out, const std::string& recipe)
{
    std::vector<std::string> expanded;
    for (std::string w : words) {
        for (auto [from, to] : { std::pair<std::string, std::string>{ "@OUT@", out }, { "@RECIPE@", recipe } })
            for (size_t at = w.find(from); at != std::string::npos; at = w.find(from, at + to.size()))
                w.replace(at, from.size(), to);
        expanded.push_back(w);
    }
    return expanded;
}

} // namespace husk::tools
