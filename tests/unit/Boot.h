// Unit tests run inside a hosted kernel booted once per test process.
#pragma once

#include <husk/husk.h>
#include <gtest/gtest.h>

inline void boot_kernel()
{
    static bool booted = [] { return husk_init("mem=64 loglevel=error") == 0; }();
    ASSERT_TRUE(booted);
}
