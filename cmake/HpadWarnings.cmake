# Warnings are errors in our code (not in third-party headers, which come in as SYSTEM).
function(hpad_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wconversion -Wsign-conversion
                                           -Wnull-dereference -Wformat=2 -Werror)
  # g++ 12's -Wrestrict misfires inside libstdc++'s std::string at -O3 (GCC PR 105329, 105651):
  # "lit" + std::string&& and similar appends in our code break the Release build with warnings
  # about memcpy of 2^63 bytes. It was hit three times; the warning is off for g++ < 13 only.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
