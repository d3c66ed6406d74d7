// Bad command-line input found after parsing (out-of-domain value, conflicting options).
// run() prints what() as one "error: ..." line and exits with status 2, like a parse error.
#pragma once

#include <stdexcept>

namespace modesweep::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace modesweep::cli
