# reachrank_warnings: an interface target every one of our targets links, so
# warnings apply to our code and not to generated or third-party code.
add_library(reachrank_warnings INTERFACE)
target_compile_options(reachrank_warnings INTERFACE -Wall -Wextra)
if(REACHRANK_WERROR)
  target_compile_options(reachrank_warnings INTERFACE -Werror)
endif()
if(REACHRANK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
