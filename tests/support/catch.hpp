// One include for Catch2 2.x (single header) and 3.x (split headers).
#pragma once
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
// 2.x's Approx is global; 3.x's lives in Catch.
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
