// The image that runs an application: the kernel boots, then runs the
// program the image carries (husk bake) or the loader passed beside it.
#include <husk/kernel.h>

extern "C" int husk_image_main(void) { return husk_kernel_run_program(); }
