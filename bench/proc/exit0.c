/* exit0: the program procbench execs: a static binary that exits at once. */
int main(void) { return 0; }
