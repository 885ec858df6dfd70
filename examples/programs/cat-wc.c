/* cat-wc: reads a file from a disk (husk run -b), counts its lines, words
 * and bytes like wc, prints the file and the counts, and writes the counts
 * back to the disk as FILE.wc. Usage: cat-wc FILE */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cat-wc FILE\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    long lines = 0, words = 0, bytes = 0;
    int c, in_word = 0;
    while ((c = fgetc(in)) != EOF) {
        putchar(c);
        ++bytes;
        if (c == '\n')
            ++lines;
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            ++words;
        }
    }
    fclose(in);
    char out_path[4096];
    snprintf(out_path, sizeof out_path, "%s.wc", argv[1]);
    FILE *out = fopen(out_path, "w");
    if (!out || fprintf(out, "%ld %ld %ld %s\n", lines, words, bytes, argv[1]) < 0 || fclose(out) != 0) {
        perror(out_path);
        return 1;
    }
    printf("cat-wc: %ld %ld %ld %s (written to %s)\n", lines, words, bytes, argv[1], out_path);
    return 0;
}
