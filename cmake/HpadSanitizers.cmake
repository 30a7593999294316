# Applies HPAD_SANITIZE to everything built after this point. UBSan's vptr check fires inside
# cpprestsdk's own headers, so it is turned off after the other checks (see TOOLCHAIN.md).
if(HPAD_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=vptr)
elseif(HPAD_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT HPAD_SANITIZE STREQUAL "")
  message(FATAL_ERROR "HPAD_SANITIZE must be '', 'address' or 'thread', not '${HPAD_SANITIZE}'")
endif()
