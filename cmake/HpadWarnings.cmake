# Warnings are errors in our code (not in third-party headers, which come in as SYSTEM).
function(hpad_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wconversion -Wsign-conversion
                                           -Wnull-dereference -Wformat=2 -Werror)
endfunction()
