// The modesweep command line: parses, dispatches to a subcommand, and maps every failure to
// an exit status and one "error: ..." line (the library itself never exits).
#pragma once

#include <iosfwd>
#include <string>

namespace modesweep::cli {

// Exit statuses: 0 success (including --help), 2 bad input (parse errors, out-of-domain
// values, bad points file), 1 any other failure. Kokkos must be initialized.
inline constexpr int exit_success = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// Prints "error: <message>" as one line (newlines become spaces; scripts read the first
// stderr line) and flushes.
void print_error(std::ostream& err, std::string message);
int run(int argc, const char* const* argv);  // std::cout, std::cerr

}  // namespace modesweep::cli
