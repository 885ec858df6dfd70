// The smallest image: boots the kernel and exits 0.
extern "C" int husk_image_main(void) { return 0; }
