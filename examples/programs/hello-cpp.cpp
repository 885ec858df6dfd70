// hello-cpp: C++ as it is usually written — iostreams, containers,
// exceptions (unwinding through the static C++ runtime), static
// constructors, std::thread with std::mutex. Built with g++ -static (husk c++).
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {
struct Greeter {
    std::string greeting = "Hello from C++ in a Husk unikernel!";
};
Greeter g_greeter; // a static constructor runs before main

int parse(const std::string& s)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("not a number: '" + s + "'");
    return std::stoi(s);
}
} // namespace

int main(int argc, char** argv)
{
    std::cout << g_greeter.greeting << std::endl;
    std::map<std::string, int> counts;
    std::vector<std::string> words(argv + 1, argv + argc);
    int sum = 0;
    for (const auto& w : words) {
        ++counts[w];
        try {
            sum += parse(w);
        } catch (const std::invalid_argument& e) {
            std::cout << "caught: " << e.what() << std::endl;
        }
    }
    for (const auto& [word, n] : counts)
        std::cout << word << ": " << n << std::endl;
    std::cout << "sum: " << sum << std::endl;

    long counter = 0;
    std::mutex lock;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            for (int n = 0; n < 10000; ++n) {
                std::lock_guard<std::mutex> guard(lock);
                ++counter;
            }
        });
    for (auto& t : threads)
        t.join();
    std::cout << "threads: " << threads.size() << " std::threads counted to " << counter << std::endl;
    return counter == 40000 ? 0 : 1;
}
