int missing_function(void) { return 0; }
