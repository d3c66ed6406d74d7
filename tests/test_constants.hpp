// Constants shared by the test files. The sanitizer preset compiles several test files as one
// translation unit (a unity build), where a copy per file would be a redefinition.
#pragma once

#include <limits>

inline constexpr double inf = std::numeric_limits<double>::infinity();
