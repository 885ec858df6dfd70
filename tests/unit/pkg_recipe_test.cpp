// husk pkg's recipe reader (tools/husk/PkgRecipe): what sh would assign,
// and a refusal for what only a shell could evaluate.
#include <gtest/gtest.h>
#include <string>
#include <vector>
#include "PkgRecipe.h"

using husk::tools::parse_recipe;
using husk::tools::split_words;
using husk::tools::unquote_value;

namespace {
const char* nginx = R"(# a comment
name=nginx
version=1.22.1-9+deb12u11
summary="HTTP server, Debian's configuration"   # a trailing comment
kind=debian
debian_packages='nginx libnginx-mod-http-echo'
program=/usr/sbin/nginx
run="-n inet,dhcp -P 8080:80 -- -g 'daemon off;'"
ports=8080:80
future_key=kept
)";
} // namespace

TEST(PkgRecipe, ReadsWhatShWouldAssign)
{
    std::string why;
    auto r = parse_recipe(nginx, "nginx", why);
    ASSERT_TRUE(r) << why;
    EXPECT_EQ(r->name, "nginx");
    EXPECT_EQ(r->version, "1.22.1-9+deb12u11");
    EXPECT_EQ(r->summary, "HTTP server, Debian's configuration");
    EXPECT_EQ(r->kind, "debian");
    EXPECT_EQ(r->debian_packages, (std::vector<std::string>{ "nginx", "libnginx-mod-http-echo" }));
    EXPECT_EQ(r->program, "/usr/sbin/nginx");
    EXPECT_EQ(r->run, (std::vector<std::string>{ "-n", "inet,dhcp", "-P", "8080:80", "--", "-g", "daemon off;" }));
    EXPECT_EQ(r->ports, "8080:80");
    EXPECT_EQ(r->keys.at("future_key"), "kept"); // unknown keys: kept, not refused (a newer recipe)
}

TEST(PkgRecipe, QuotingAsSh)
{
    std::string why;
    EXPECT_EQ(*unquote_value("'a b'\"c d\"e\\ f", why), "a bc de f");
    EXPECT_EQ(*unquote_value("\"say \\\"hi\\\" \\\\ \\$HOME\"", why), "say \"hi\" \\ $HOME");
    EXPECT_EQ(*unquote_value("", why), "");
    EXPECT_EQ(*unquote_value("  # only a comment", why), "");
    EXPECT_EQ(*split_words("-e 'A=1 2' -- x\\ y", why), (std::vector<std::string>{ "-e", "A=1 2", "--", "x y" }));
    EXPECT_EQ(*split_words("'' \"\"", why), (std::vector<std::string>{ "", "" }));
}

TEST(PkgRecipe, RefusesWhatOnlyAShellCouldEvaluate)
{
    std::string why;
    for (const char* bad : { "$HOME", "\"$HOME\"", "`date`", "a;b", "x | y", "'open", "\"open", "two words" }) {
        why.clear();
        EXPECT_FALSE(unquote_value(bad, why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
    EXPECT_TRUE(unquote_value("'$HOME;`x`'", why)); // quoted: plain characters
}

TEST(PkgRecipe, NamesTheProblem)
{
    struct Case {
        std::string text, expect;
    };
    const std::string base = "version=1\nsummary=s\n";
    for (const Case& c : std::vector<Case>{
             { base + "kind=source\n", "name= is missing" },
             { "name=other\n" + base + "kind=source\n", "the recipe's directory is x" },
             { "name=x\n" + base + "kind=rpm\n", "kind=rpm" },
             { "name=x\n" + base + "kind=debian\n", "wants debian_packages=" },
             { "name=x\n" + base + "kind=source\nname=x\n", "line 5: name= is given twice" },
             { "name=x\n" + base + "kind=source\nrun=-P 80:80\n", "line 5: run=: a blank outside quotes" },
             { "name=x\nexport FOO\n", "line 2: not a key=value" },
             { "name=x\nNAME=y\n", "line 2: not a key=value" },
             { "name=x\nversion=../up\nsummary=s\nkind=source\n", "cannot name a directory" },
             { "name=x\n" + base + "kind=debian\ndebian_packages=p\nprogram=usr/bin/p\n", "program=usr/bin/p" },
         }) {
        std::string why;
        EXPECT_FALSE(parse_recipe(c.text, "x", why)) << c.text;
        EXPECT_NE(why.find(c.expect), std::string::npos) << c.text << " gave: " << why;
    }
    std::string why;
    auto r = parse_recipe("name=x\n" + base + "kind=debian\ndebian_packages=x\n", "x", why);
    ASSERT_TRUE(r) << why;
    EXPECT_EQ(r->program, "/usr/bin/x"); // the default program
}

TEST(PkgRecipe, RunWordsPlaceholders)
{
    EXPECT_EQ(husk::tools::expand_run_words({ "-b", "@RECIPE@/site,/data", "@OUT@@OUT@" }, "/o", "/r"),
              (std::vector<std::string>{ "-b", "/r/site,/data", "/o/o" }));
}
