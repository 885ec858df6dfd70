# The kind=debian recipes of packages/ (issue 25, "More recipes" in
# packages/README.md): each recipe's build makes its image from Debian's
# binary packages (a fixture, label slow), then its cases make the program
# do its real job under Husk, checked by the host's Debian tools. They need
# the Debian archive, as tests/debian does (-DHUSK_DEBIAN_TESTS=OFF leaves
# them out, e.g. offline; tests/CMakeLists.txt declares the option after this
# directory, hence here too).
option(HUSK_DEBIAN_TESTS "run Debian's unmodified programs from husk image roots (tests/debian)" ON)
if(HUSK_DEBIAN_TESTS)
  # recipe_tests(RECIPE CASE...): packages.RECIPE.build and packages.RECIPE.CASE.
  function(recipe_tests recipe)
    set(dir ${CMAKE_BINARY_DIR}/packages/${recipe})
    set(run ${HUSK_CONTAINED} ${CMAKE_CURRENT_SOURCE_DIR}/run-${recipe}-test $<TARGET_FILE:husk_cli> ${dir})
    add_test(NAME packages.${recipe}.build COMMAND ${run} build)
    set_tests_properties(packages.${recipe}.build PROPERTIES FIXTURES_SETUP recipe_${recipe} TIMEOUT 600
                         LABELS slow PASS_REGULAR_EXPRESSION "^PASS:|\nPASS:")
    foreach(case ${ARGN})
      add_test(NAME packages.${recipe}.${case} COMMAND ${run} ${case})
      set_tests_properties(packages.${recipe}.${case} PROPERTIES FIXTURES_REQUIRED recipe_${recipe} TIMEOUT 300
                           LABELS slow PASS_REGULAR_EXPRESSION "^PASS:|\nPASS:")
    endforeach()
  endfunction()
  recipe_tests(mosquitto pubsub)
  recipe_tests(haproxy lb)
  recipe_tests(sqlite3 db)
  recipe_tests(lua analyse)
  recipe_tests(jq filter)
  recipe_tests(xz roundtrip)
  recipe_tests(zstd roundtrip)
  recipe_tests(python3 archive)
  recipe_tests(dnsmasq dig)
endif()
