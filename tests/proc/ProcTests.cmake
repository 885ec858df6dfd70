# husk_proc_tests(GROUP TESTS...): differential process tests in a folder
# of tests/proc (as tests/proc/CMakeLists.txt does for its own): each
# NAME.c is built static with glibc and with musl (when musl-gcc is
# installed) into this folder's build tree, <libc>/bin, which the guest
# gets as /data; proc.host.<libc>.NAME runs the host half, proc.qemu.<libc>.NAME
# compares the host and husk run. The programs include ../proctest.h.
function(husk_proc_tests group)
  set(tests ${ARGN})
  find_program(MUSL_GCC musl-gcc)
  set(libcs glibc)
  if(MUSL_GCC)
    list(APPEND libcs musl)
  endif()
  set(flags -static -O2 -g -Wall -Wextra -pthread)
  set(outputs)
  foreach(libc ${libcs})
    set(cc ${CMAKE_C_COMPILER})
    if(libc STREQUAL musl)
      set(cc ${MUSL_GCC})
    endif()
    set(bin ${CMAKE_CURRENT_BINARY_DIR}/${libc}/bin)
    foreach(p ${tests})
      add_custom_command(OUTPUT ${bin}/${p}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${bin}
        COMMAND ${cc} ${flags} -I${PROJECT_SOURCE_DIR}/tests/proc -o ${bin}/${p} ${CMAKE_CURRENT_SOURCE_DIR}/${p}.c
        DEPENDS ${p}.c ${PROJECT_SOURCE_DIR}/tests/proc/proctest.h VERBATIM)
      list(APPEND outputs ${bin}/${p})
    endforeach()
  endforeach()
  add_custom_target(proc_${group}_programs ALL DEPENDS ${outputs})

  set(run ${HUSK_CONTAINED} ${PROJECT_SOURCE_DIR}/tests/proc/run-proc-test)
  foreach(libc ${libcs})
    set(tree ${CMAKE_CURRENT_BINARY_DIR}/${libc})
    foreach(t ${tests})
      add_test(NAME proc.host.${libc}.${t} COMMAND ${run} --host-only $<TARGET_FILE:husk_cli> ${tree} ${t})
      set_tests_properties(proc.host.${libc}.${t} PROPERTIES TIMEOUT 150)
      add_test(NAME proc.qemu.${libc}.${t} COMMAND ${run} $<TARGET_FILE:husk_cli> ${tree} ${t} qemu)
      set_tests_properties(proc.qemu.${libc}.${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
    endforeach()
  endforeach()
endfunction()
