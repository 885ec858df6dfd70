# husk_proc_tests(GROUP TESTS... [HELPERS PROGRAMS...]): differential
# process tests in a folder of tests/proc: each NAME.c is built static with
# glibc and with musl (when musl-gcc is installed) into this folder's build
# tree, <libc>/bin, which the guest gets as /data; proc.host.<libc>.NAME
# runs the host half, proc.qemu.<libc>.NAME compares the host and husk run.
# HELPERS are built beside them (programs the tests exec) but are no tests.
# The programs include tests/proc/proctest.h.
function(husk_proc_tests group)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "HELPERS")
  set(tests ${arg_UNPARSED_ARGUMENTS})
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
    foreach(p ${tests} ${arg_HELPERS})
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
      # The same on two vCPUs: processes, threads, signals and timers
      # spread over CPUs must give Linux's outputs too.
      add_test(NAME proc.qemu.c2.${libc}.${t} COMMAND ${run} $<TARGET_FILE:husk_cli> ${tree} ${t} qemu 2)
      set_tests_properties(proc.qemu.c2.${libc}.${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
    endforeach()
  endforeach()
endfunction()
