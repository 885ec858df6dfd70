// The image that runs an application: the kernel boots, then runs the
// program the image carries (husk bake) or the loader passed beside it.
extern "C" int husk_kernel_run_program(void);
extern "C" int husk_image_main(void) { return husk_kernel_run_program(); }
