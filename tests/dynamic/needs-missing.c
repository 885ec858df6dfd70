/* Linked against a library that is nowhere to be found at run time: the
 * dynamic linker's own message says which. */
int missing_function(void);
int main(void) { return missing_function(); }
